using Hydra.Security;

namespace Hydra.Tests.Security;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Saved_pair_reads_back_and_the_secret_file_is_private()
    {
        var pair = CurveKeyPair.Generate();
        var (secretFile, publicFile) = pair.Save(Path.Combine(_dir, "router"));
        Assert.Equal(pair.SecretKey, CurveKeyPair.ReadKeyFile(secretFile));
        Assert.Equal(pair.PublicKey, CurveKeyPair.ReadKeyFile(publicFile));
        Assert.Equal(pair, CurveKeyPair.FromSecretKey(pair.SecretKey));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        }
    }

    [Fact]
    public void Key_lists_skip_comments_and_name_the_bad_line()
    {
        var good = CurveKeyPair.Generate().PublicKey;
        var path = Path.Combine(_dir, "clients.txt");
        File.WriteAllLines(path, ["# the dashboard", good, "", "not-a-key"]);
        var error = Assert.Throws<InvalidDataException>(() => CurveKeyPair.ReadKeysFile(path));
        Assert.StartsWith($"{path}:4: the key must be 40 characters", error.Message);
        File.WriteAllLines(path, ["# the dashboard", good, ""]);
        Assert.Equal([good], CurveKeyPair.ReadKeysFile(path));
    }

    [Fact]
    public void A_proof_verifies_only_with_the_matching_keys_and_challenge()
    {
        var router = CurveKeyPair.Generate();
        var peer = CurveKeyPair.Generate();
        var challenge = AuthProof.NewChallenge();
        var (nonce, box) = AuthProof.Prove(challenge, peer.SecretKey, router.PublicKey);
        Assert.True(AuthProof.Verify(challenge, nonce, box, peer.PublicKey, router.SecretKey));
        Assert.False(AuthProof.Verify(challenge, nonce, box, CurveKeyPair.Generate().PublicKey, router.SecretKey));
        Assert.False(AuthProof.Verify(AuthProof.NewChallenge(), nonce, box, peer.PublicKey, router.SecretKey));
        Assert.False(AuthProof.Verify(challenge, nonce[..5], box, peer.PublicKey, router.SecretKey));
    }
}
