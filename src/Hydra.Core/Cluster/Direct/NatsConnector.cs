using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hydra.Cluster.Direct;

/// <summary>What a server says of itself in INFO (the fields a router uses).</summary>
internal sealed record NatsServerInfo(
    [property: JsonPropertyName("server_id")] string? ServerId,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("max_payload")] long MaxPayload,
    [property: JsonPropertyName("tls_required")] bool TlsRequired,
    [property: JsonPropertyName("connect_urls")] List<string>? ConnectUrls);

/// <summary>What a router says of itself in CONNECT.</summary>
internal sealed record NatsConnect(
    [property: JsonPropertyName("verbose")] bool Verbose,
    [property: JsonPropertyName("pedantic")] bool Pedantic,
    [property: JsonPropertyName("echo")] bool Echo,
    [property: JsonPropertyName("protocol")] int Protocol,
    [property: JsonPropertyName("headers")] bool Headers,
    [property: JsonPropertyName("lang")] string Lang,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("pass")] string? Pass,
    [property: JsonPropertyName("auth_token")] string? AuthToken);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NatsServerInfo))]
[JsonSerializable(typeof(NatsConnect))]
internal sealed partial class NatsJson : JsonSerializerContext;

/// <summary>A connection made: the socket (non-blocking), the server's INFO, and anything read past the handshake.</summary>
internal sealed record NatsConnection(Socket Socket, NatsServerInfo Info, byte[] AlreadyRead, string Server);

/// <summary>
/// Opens a connection to one NATS server, off the loop thread: TCP, the server's INFO, our
/// CONNECT (user and password, or a token, from the URL), then PING and the server's PONG, which
/// says it took everything. The socket is then handed to the loop in non-blocking mode.
/// </summary>
internal static class NatsConnector
{
    public static async Task<NatsConnection> ConnectAsync(Uri url, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(url.Host, url.Port > 0 ? url.Port : 4222, deadline.Token).ConfigureAwait(false);
            var reader = new LineReader(socket);
            var info = ReadInfo(await reader.ReadLineAsync(deadline.Token).ConfigureAwait(false), url);
            await socket.SendAsync(Handshake(url, name), deadline.Token).ConfigureAwait(false);
            while (true)
            {
                var line = await reader.ReadLineAsync(deadline.Token).ConfigureAwait(false);
                if (line.StartsWith("PONG", StringComparison.OrdinalIgnoreCase))
                {
                    break;
                }
                if (line.StartsWith("-ERR", StringComparison.OrdinalIgnoreCase))
                {
                    throw new NatsConnectException($"the server refused the connection: {line[4..].Trim(' ', '\'')}");
                }
            }
            socket.Blocking = false;
            return new NatsConnection(socket, info, reader.Rest(), $"{url.Host}:{(url.Port > 0 ? url.Port : 4222)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new NatsConnectException($"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new NatsConnectException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => $"host '{url.Host}' not found",
                _ => e.Message,
            });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static NatsServerInfo ReadInfo(string line, Uri url)
    {
        if (!line.StartsWith("INFO ", StringComparison.OrdinalIgnoreCase))
        {
            throw new NatsConnectException($"{url.Host}:{url.Port} is not a NATS server (it said '{(line.Length > 40 ? line[..40] + "…" : line)}')");
        }
        var info = JsonSerializer.Deserialize(line[5..], NatsJson.Default.NatsServerInfo)
            ?? throw new NatsConnectException("the server's INFO could not be read");
        if (info.TlsRequired)
        {
            throw new NatsConnectException("the server requires TLS: give its URL as tls://");
        }
        return info;
    }

    private static byte[] Handshake(Uri url, string name)
    {
        var (user, pass, token) = Credentials(url);
        var connect = new NatsConnect(Verbose: false, Pedantic: false, Echo: false, Protocol: 1, Headers: false, Lang: "hydra-dotnet",
            Version: typeof(NatsConnector).Assembly.GetName().Version?.ToString(3) ?? "0", Name: name, user, pass, token);
        return Encoding.UTF8.GetBytes($"CONNECT {JsonSerializer.Serialize(connect, NatsJson.Default.NatsConnect)}\r\nPING\r\n");
    }

    /// <summary>user:password@ or token@ in the URL.</summary>
    private static (string? User, string? Pass, string? Token) Credentials(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return default;
        }
        var parts = url.UserInfo.Split(':', 2);
        return parts.Length == 2
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]), null)
            : (null, null, Uri.UnescapeDataString(parts[0]));
    }

    /// <summary>Reads CRLF-ended lines during the handshake, keeping what comes after them.</summary>
    private sealed class LineReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _length;

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var end = _buffer.AsSpan(0, _length).IndexOf("\r\n"u8);
                if (end >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer, 0, end);
                    _buffer.AsSpan(end + 2, _length - end - 2).CopyTo(_buffer);
                    _length -= end + 2;
                    return line;
                }
                if (_length == _buffer.Length)
                {
                    throw new NatsConnectException("the server's line is too long");
                }
                var read = await socket.ReceiveAsync(_buffer.AsMemory(_length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new NatsConnectException("the server closed the connection during the handshake");
                }
                _length += read;
            }
        }

        public byte[] Rest() => _buffer.AsSpan(0, _length).ToArray();
    }
}

/// <summary>A connection to a NATS server could not be made; the message says why, in words.</summary>
internal sealed class NatsConnectException(string message) : Exception(message);
