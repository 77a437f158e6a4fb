using System.Globalization;
using Hydra.Tui.Shared;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Hydra.Tui.Router;

/// <summary>
/// The Configuration box: address, port and heartbeat port, editable until the router is
/// started (so a busy port can be changed and Start pressed again), read-only once it runs,
/// when the ports shown are the bound ones. Enter in a field asks for Start. UI thread only.
/// </summary>
internal sealed class ConfigurationBox : FrameView
{
    private const int PortWidth = 6; // 65535 and the cursor after it
    private const int MaxAddressWidth = 24;

    private readonly TextField _address;
    private readonly TextField _port;
    private readonly TextField _heartbeatPort;

    public ConfigurationBox(RouterEndpoint endpoint)
    {
        Title = "Configuration";
        Height = 3;
        var addressLabel = new TextLabel { Text = "Address:", X = 0, Y = 0 };
        var portLabel = new TextLabel { Text = "Port:" };
        var heartbeatLabel = new TextLabel { Text = "Heartbeat port:" };
        _port = new TextField { Width = PortWidth };
        _heartbeatPort = new TextField { Width = PortWidth };
        // The address takes what the ports leave (the box is narrow at 80 columns), up to
        // MaxAddressWidth: on a wide screen the ports stay next to it.
        var othersWidth = addressLabel.Text.Length + 1 + 1 + portLabel.Text.Length + 1 + PortWidth + 1 + heartbeatLabel.Text.Length + 1 + PortWidth;
        _address = new TextField { X = Pos.Right(addressLabel) + 1, Y = 0 };
        _address.Width = Dim.Func(_ => Math.Clamp(Viewport.Width - othersWidth, 1, MaxAddressWidth));
        portLabel.X = Pos.Right(_address) + 1;
        _port.X = Pos.Right(portLabel) + 1;
        heartbeatLabel.X = Pos.Right(_port) + 1;
        _heartbeatPort.X = Pos.Right(heartbeatLabel) + 1;
        foreach (var field in Fields)
        {
            field.Accepting += (_, e) =>
            {
                e.Handled = true;
                StartRequested?.Invoke();
            };
        }
        Add(addressLabel, _address, portLabel, _port, heartbeatLabel, _heartbeatPort);
        Show(endpoint, editable: true);
    }

    /// <summary>Enter was pressed in a field.</summary>
    public event Action? StartRequested;

    private TextField[] Fields => [_address, _port, _heartbeatPort];

    /// <summary>Moves the focus to the address field, if it can be edited.</summary>
    public void Edit()
    {
        if (_address.CanFocus)
        {
            _address.SetFocus();
        }
    }

    /// <summary>Shows <paramref name="endpoint"/>; <paramref name="editable"/> false makes the fields read-only and skipped by Tab.</summary>
    public void Show(RouterEndpoint endpoint, bool editable)
    {
        _address.Text = endpoint.Address;
        _port.Text = endpoint.Port.ToString(CultureInfo.InvariantCulture);
        _heartbeatPort.Text = endpoint.HeartbeatPort.ToString(CultureInfo.InvariantCulture);
        foreach (var field in Fields)
        {
            field.ReadOnly = !editable;
            field.CanFocus = editable;
        }
    }

    /// <summary>The edited endpoint, or why it cannot be used.</summary>
    public bool TryRead(out RouterEndpoint endpoint, out string problem)
    {
        endpoint = default;
        var address = _address.Text.Trim();
        if (address.Length == 0 || address.Any(char.IsWhiteSpace))
        {
            problem = "the address must be one word: * for all interfaces, 127.0.0.1 for this machine only, or an interface's address";
            return false;
        }
        if (!TryReadPort(_port, out var port) || !TryReadPort(_heartbeatPort, out var heartbeatPort))
        {
            problem = "a port must be a number from 0 to 65535 (0 picks a free port)";
            return false;
        }
        if (port == heartbeatPort && port != 0)
        {
            problem = "the port and the heartbeat port must differ";
            return false;
        }
        endpoint = new RouterEndpoint(address, port, heartbeatPort);
        problem = "";
        return true;
    }

    private static bool TryReadPort(TextField field, out int port) =>
        int.TryParse(field.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
}
