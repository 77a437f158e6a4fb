using System.Net.Sockets;
using System.Text;
using Hydra.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Hydra.Tests.Hosting;

/// <summary>
/// What docs/operations.md promises of a hosted router under systemd with Type=notify: systemd's notify
/// socket, played here by a datagram socket of the test's own, hears READY=1 once the router listens and
/// STOPPING=1 when the host stops.
/// </summary>
[Collection(Hydra.Tests.Infrastructure.AloneCollection.Name)] // NOTIFY_SOCKET is set process-wide for a moment: no child process may start meanwhile
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task Under_systemd_the_host_says_ready_with_the_router_listening_and_stopping_on_stop()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hydra-notify-{Guid.NewGuid():N}.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(path));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IHost host;
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", path); // as systemd sets it for a Type=notify service
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hydra:Router:Address"] = "127.0.0.1",
                ["Hydra:Router:Port"] = "0",
                ["Hydra:Router:HeartbeatPort"] = "0",
            });
            // AddSystemd() registers these two only when the process's parent is systemd, which a test cannot be;
            // so the test registers them as AddSystemd does there (Microsoft.Extensions.Hosting.Systemd 10.0.0).
            builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
            builder.Services.AddHydraRouter();
            host = builder.Build();
            await host.StartAsync(deadline.Token);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        }
        using (host)
        {
            var buffer = new byte[256];
            var received = await systemd.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, received));
            var router = host.Services.GetRequiredService<RouterEngine>();
            Assert.True(router.IsRunning && router.Port > 0, "ready means listening");

            await host.StopAsync(deadline.Token);
            received = await systemd.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.Equal("STOPPING=1", Encoding.UTF8.GetString(buffer, 0, received));
            Assert.False(router.IsRunning);
        }
        File.Delete(path);
    }
}
