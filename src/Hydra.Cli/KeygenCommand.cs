using System.CommandLine;
using Hydra.Security;

namespace Hydra.Cli;

/// <summary><c>hydra keygen</c>: write a CurveZMQ key pair for a router or a peer.</summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name")
        {
            Description = "Writes NAME.key (secret) and NAME.pub (public)",
            DefaultValueFactory = _ => "hydra",
        };
        var force = new Option<bool>("--force") { Description = "Replace existing files" };
        var command = new Command("keygen", "Write a new CurveZMQ key pair") { name, force };
        command.SetAction(parse =>
        {
            var prefix = parse.GetValue(name)!;
            var secretFile = prefix + KeyFile.SecretExtension;
            var publicFile = prefix + KeyFile.PublicExtension;
            var overwrite = parse.GetValue(force);
            var pair = CurveKeyPair.Generate();
            try
            {
                KeyFile.WritePair(pair, prefix, overwrite);
            }
            catch (IOException) when (!overwrite && (File.Exists(secretFile) || File.Exists(publicFile)))
            {
                // Checked after the refusal, not before the write: the write itself refuses to replace.
                Console.Error.WriteLine($"ERROR: {secretFile} or {publicFile} exists; use --force to replace them");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"ERROR: cannot write {secretFile}: {FileProblems.DescribeWrite(e, secretFile)}");
                return 1;
            }
            Console.WriteLine($"secret key: {secretFile} (keep it private)");
            Console.WriteLine($"public key: {publicFile} {pair.PublicKey}");
            return 0;
        });
        return command;
    }
}
