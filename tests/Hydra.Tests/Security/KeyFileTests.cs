using Hydra.Security;

namespace Hydra.Tests.Security;

public sealed class KeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_saved_pair_reads_back_as_certificates_that_say_their_kind()
    {
        var pair = CurveKeyPair.Generate();
        var (secretFile, publicFile) = KeyFile.WritePair(pair, In("router"));
        Assert.Equal(new KeyFile(KeyFileKind.Secret, pair.SecretKey), KeyFile.Read(secretFile));
        Assert.Equal(new KeyFile(KeyFileKind.Public, pair.PublicKey), KeyFile.Read(publicFile));
        Assert.Contains($"    public-key = \"{pair.PublicKey}\"", File.ReadAllLines(publicFile));
        Assert.DoesNotContain(pair.SecretKey, File.ReadAllText(publicFile));
        Assert.Equal(["metadata", "curve", $"    public-key = \"{pair.PublicKey}\"", $"    secret-key = \"{pair.SecretKey}\""],
            File.ReadAllLines(secretFile).Where(l => l.Length > 0 && !l.StartsWith('#')));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
        }
    }

    [Fact]
    public void Plain_key_files_from_before_certificates_still_read()
    {
        var pair = CurveKeyPair.Generate();
        File.WriteAllText(In("old.key"), $"# written by an older hydra keygen\n{pair.SecretKey}\n");
        Assert.Equal(new KeyFile(KeyFileKind.Plain, pair.SecretKey), KeyFile.Read(In("old.key")));
    }

    [Fact]
    public void A_certificate_whose_keys_do_not_belong_together_is_refused()
    {
        var (one, other) = (CurveKeyPair.Generate(), CurveKeyPair.Generate());
        File.WriteAllText(In("mixed.key"), $"metadata\ncurve\n    public-key = \"{other.PublicKey}\"\n    secret-key = \"{one.SecretKey}\"\n");
        var error = Assert.Throws<InvalidDataException>(() => KeyFile.Read(In("mixed.key")));
        Assert.Equal($"{In("mixed.key")}:3: this public-key does not belong to the secret-key on line 4", error.Message);
    }

    [Fact]
    public void Writing_never_replaces_an_existing_key_unless_asked()
    {
        var first = KeyFile.WritePair(CurveKeyPair.Generate(), In("alice"));
        var secret = File.ReadAllText(first.SecretFile);
        Assert.Throws<IOException>(() => KeyFile.WritePair(CurveKeyPair.Generate(), In("alice")));
        Assert.Equal(secret, File.ReadAllText(first.SecretFile));

        // Only the public half is in the way: no new secret is left behind without its public file.
        File.WriteAllText(In("bob.pub"), "someone else's\n");
        Assert.Throws<IOException>(() => KeyFile.WritePair(CurveKeyPair.Generate(), In("bob")));
        Assert.False(File.Exists(In("bob.key")));
        Assert.Equal("someone else's\n", File.ReadAllText(In("bob.pub")));

        var replacement = CurveKeyPair.Generate();
        KeyFile.WritePair(replacement, In("alice"), overwrite: true);
        Assert.Equal(replacement.SecretKey, KeyFile.Read(first.SecretFile).Key);
    }

    [Fact]
    public void Replacing_a_key_replaces_the_file_and_never_writes_through_a_link()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        // A world-readable file the link points to: the secret must not end up in it.
        File.WriteAllText(In("shared.txt"), "public notes\n");
        File.SetUnixFileMode(In("shared.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.CreateSymbolicLink(In("carol.key"), In("shared.txt"));
        var pair = CurveKeyPair.Generate();
        KeyFile.WritePair(pair, In("carol"), overwrite: true);
        Assert.Equal("public notes\n", File.ReadAllText(In("shared.txt")));
        Assert.Null(new FileInfo(In("carol.key")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(In("carol.key")));
        Assert.Equal(pair.SecretKey, KeyFile.Read(In("carol.key")).Key);
    }

    [Fact]
    public void Key_lists_take_bare_keys_and_certificate_lines_and_name_the_bad_line()
    {
        var (bare, fromCertificate) = (CurveKeyPair.Generate().PublicKey, CurveKeyPair.Generate().PublicKey);
        var path = In("clients.txt");
        File.WriteAllLines(path, ["# the dashboard", bare, "", $"    public-key = \"{fromCertificate}\""]);
        Assert.Equal([bare, fromCertificate], AuthorizedKeysFile.Read(path));

        File.WriteAllLines(path, ["# the dashboard", bare, "", "not-a-key"]);
        Assert.StartsWith($"{path}:4: the key must be 40 characters", Assert.Throws<InvalidDataException>(() => AuthorizedKeysFile.Read(path)).Message);
        File.WriteAllLines(path, [bare, $"secret-key = \"{CurveKeyPair.Generate().SecretKey}\""]);
        Assert.Equal($"{path}:2: a secret key does not belong here: list public keys only", Assert.Throws<InvalidDataException>(() => AuthorizedKeysFile.Read(path)).Message);
        File.WriteAllLines(path, ["#   ZeroMQ CURVE Public Certificate", "", "metadata", "curve", $"    public-key = \"{bare}\""]);
        Assert.Equal($"{path}:3: this looks like a whole certificate: copy only its public-key line", Assert.Throws<InvalidDataException>(() => AuthorizedKeysFile.Read(path)).Message);
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
