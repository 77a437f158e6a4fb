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
            Description = "Path prefix of the files: NAME.key (secret, owner-only) and NAME.pub (public)",
            DefaultValueFactory = _ => "hydra",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files" };
        var command = new Command("keygen", "Write a new CurveZMQ key pair (NAME.key and NAME.pub)") { name, force };
        command.SetAction(parse =>
        {
            var prefix = parse.GetValue(name)!;
            if (!parse.GetValue(force) && (File.Exists(prefix + CurveKeyPair.SecretExtension) || File.Exists(prefix + CurveKeyPair.PublicExtension)))
            {
                Console.Error.WriteLine($"ERROR: {prefix}{CurveKeyPair.SecretExtension} or {prefix}{CurveKeyPair.PublicExtension} exists; use --force to replace it");
                return 1;
            }
            var pair = CurveKeyPair.Generate();
            var (secretFile, publicFile) = pair.Save(prefix);
            Console.WriteLine($"secret key: {secretFile} (keep it private)");
            Console.WriteLine($"public key: {publicFile} {pair.PublicKey}");
            return 0;
        });
        return command;
    }
}
