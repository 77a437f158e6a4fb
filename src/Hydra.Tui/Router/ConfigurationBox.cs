using System.Globalization;
using Hydra.Tui.Shared;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Hydra.Tui.Router;

/// <summary>
/// The Configuration box: address, port and heartbeat port, editable until the router is
/// started (so a busy port can be changed and Start pressed again), plain text once it runs,
/// when the ports shown are the bound ones. Enter in a field asks for Start. UI thread only.
/// </summary>
internal sealed class ConfigurationBox : FrameView
{
    private const int PortWidth = 6; // 65535 and the cursor after it
    private const int MaxAddressWidth = 24;
    private const string AddressLabel = "Address:";
    private const string PortLabel = "Port:";
    private const string HeartbeatPortLabel = "Heartbeat port:";

    /// <summary>The row's columns besides the address: its label, the ports and their labels, a space between each.</summary>
    private static readonly int ColumnsBesideAddress = AddressLabel.Length + 1 + 1 + PortLabel.Length + 1 + PortWidth + 1 + HeartbeatPortLabel.Length + 1 + PortWidth;

    private readonly Setting _address;
    private readonly Setting _port;
    private readonly Setting _heartbeatPort;

    public ConfigurationBox(RouterEndpoint endpoint)
    {
        Title = "Configuration";
        Height = 3;
        // One row: "Address: … Port: … Heartbeat port: …". The address takes what the ports
        // leave (the box is narrow at 80 columns), up to MaxAddressWidth, so that on a wide
        // screen the ports stay next to it.
        var addressAt = AddressLabel.Length + 1;
        int PortLabelAt() => addressAt + AddressWidth() + 1;
        int PortAt() => PortLabelAt() + PortLabel.Length + 1;
        int HeartbeatPortLabelAt() => PortAt() + PortWidth + 1;
        int HeartbeatPortAt() => HeartbeatPortLabelAt() + HeartbeatPortLabel.Length + 1;
        _address = new Setting(addressAt, Dim.Func(_ => AddressWidth()));
        _port = new Setting(Pos.Func(_ => PortAt()), PortWidth);
        _heartbeatPort = new Setting(Pos.Func(_ => HeartbeatPortAt()), PortWidth);
        Add(new TextLabel { Text = AddressLabel, X = 0, Y = 0 },
            new TextLabel { Text = PortLabel, X = Pos.Func(_ => PortLabelAt()), Y = 0 },
            new TextLabel { Text = HeartbeatPortLabel, X = Pos.Func(_ => HeartbeatPortLabelAt()), Y = 0 });
        foreach (var setting in Settings)
        {
            setting.Field.Accepting += (_, e) =>
            {
                e.Handled = true;
                StartRequested?.Invoke();
            };
            Add(setting.Field, setting.Value);
        }
        Show(endpoint, editable: true);
    }

    /// <summary>Enter was pressed in a field.</summary>
    public event Action? StartRequested;

    private Setting[] Settings => [_address, _port, _heartbeatPort];

    /// <summary>Moves the focus to the address field, if it can be edited.</summary>
    public void Edit()
    {
        if (_address.Field.Visible)
        {
            _address.Field.SetFocus();
        }
    }

    /// <summary>
    /// Shows <paramref name="endpoint"/>: in fields if <paramref name="editable"/>, else as text
    /// (a read-only field draws in the theme's read-only colours, grey on grey in the default one).
    /// </summary>
    public void Show(RouterEndpoint endpoint, bool editable)
    {
        _address.Show(endpoint.Address, editable);
        _port.Show(endpoint.Port.ToString(CultureInfo.InvariantCulture), editable);
        _heartbeatPort.Show(endpoint.HeartbeatPort.ToString(CultureInfo.InvariantCulture), editable);
    }

    /// <summary>The edited endpoint, or why it cannot be used.</summary>
    public bool TryRead(out RouterEndpoint endpoint, out string problem)
    {
        endpoint = default;
        var address = _address.Field.Text.Trim();
        if (address.Length == 0 || address.Any(char.IsWhiteSpace))
        {
            problem = "the address must be one word: * for all interfaces, 127.0.0.1 for this machine only, or an interface's address";
            return false;
        }
        if (!TryReadPort(_port.Field, out var port) || !TryReadPort(_heartbeatPort.Field, out var heartbeatPort))
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

    private int AddressWidth() => Math.Clamp(Viewport.Width - ColumnsBesideAddress, 1, MaxAddressWidth);

    /// <summary>The box's width with every setting whole: its frame, the labels, the ports, and the address (and a cursor after it).</summary>
    public int WidthNeeded => 2 + ColumnsBesideAddress + Math.Clamp(_address.Field.Text.Length + 1, 1, MaxAddressWidth);

    /// <summary>One setting: a field to edit it and, in the same place, its value as text once it is fixed.</summary>
    private sealed class Setting(Pos x, Dim width)
    {
        public TextField Field { get; } = new() { X = x, Y = 0, Width = width };

        public TextLabel Value { get; } = new() { X = x, Y = 0, Width = width, Visible = false };

        public void Show(string text, bool editable)
        {
            Field.Text = text;
            Value.Text = text;
            Field.Visible = editable;
            Value.Visible = !editable;
        }
    }
}
