namespace Hydra.Tui.Tests;

/// <summary>
/// An app window on the headless terminal with the session behind it, disposed together
/// (window, then terminal, then session), so each test needs one <c>await using</c>.
/// </summary>
internal sealed class OpenScreen<TSession, TWindow>(TSession session, HeadlessTerminal terminal, TWindow window) : IAsyncDisposable
    where TSession : IAsyncDisposable
    where TWindow : IDisposable
{
    public TSession Session => session;
    public HeadlessTerminal Terminal => terminal;
    public TWindow Window => window;

    public void Deconstruct(out TSession session_, out HeadlessTerminal terminal_, out TWindow window_) =>
        (session_, terminal_, window_) = (session, terminal, window);

    public async ValueTask DisposeAsync()
    {
        window.Dispose();
        terminal.Dispose();
        await session.DisposeAsync();
    }
}
