// Asks a Python peer (calculator.py) to add two numbers, through a Hydra router.
// The Python original's peers answer without reply_to; MatchUncorrelatedReplies lets such an
// answer complete the oldest request waiting for that peer.
using Hydra;

var port = args.Length > 0 ? int.Parse(args[0]) : 5757;
await using var peer = new HydraMQ(new HydraMQOptions
{
    RouterAddress = "127.0.0.1",
    RouterPort = port,
    RouterHeartbeatPort = port + 1,
    MatchUncorrelatedReplies = true,
    NetworkTimeout = TimeSpan.FromSeconds(10), // the Python server may still be starting
});
await peer.StartAsync();
var reply = await peer.RequestAsync(peer.CreateMessage("Calculator", "add", new() { ["a"] = 2, ["b"] = 3 }));
Console.WriteLine($"{reply.Method}: {reply.Payload["sum"]}"); // add_reply: 5
