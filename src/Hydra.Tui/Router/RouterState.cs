namespace Hydra.Tui.Router;

/// <summary>Where the router app's engine is in its life.</summary>
internal enum RouterState
{
    /// <summary>Waiting for Start: no port is bound, nothing is read.</summary>
    NotStarted,
    /// <summary>Binding the ports.</summary>
    Starting,
    /// <summary>Routing.</summary>
    Running,
    /// <summary>Start failed (e.g. a port in use); Start may be pressed again.</summary>
    Failed,
}
