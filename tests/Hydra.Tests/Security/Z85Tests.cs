using Hydra.Security;
using Hydra.Testing;
using NetMQ;

namespace Hydra.Tests.Security;

/// <summary>Our Z85 codec and key derivation agree with the RFC, NetMQ and pyzmq (libzmq).</summary>
public class Z85Tests
{
    [Fact]
    public void Encodes_and_decodes_the_rfc_32_test_vector()
    {
        byte[] data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        Assert.Equal("HelloWorld", Z85.Encode(data));
        Assert.Equal(data, Z85.TryDecode("HelloWorld"));
    }

    [Theory]
    [InlineData("HelloWorl")] // not whole groups of 5
    [InlineData("Hello World")] // a space is no Z85 digit
    [InlineData("Hell\"")] // nor is a quote
    [InlineData("%%%%%")] // 5 digits worth more than 32 bits
    public void Refuses_what_is_not_z85(string text) => Assert.Null(Z85.TryDecode(text));

    [Fact]
    public void A_key_that_is_not_z85_is_named_in_the_error()
    {
        var error = Assert.Throws<ArgumentException>(() => CurveKeyPair.CheckKey(new string('%', 40), "router's public key"));
        Assert.StartsWith("the router's public key is not valid Z85", error.Message);
        error = Assert.Throws<ArgumentException>(() => CurveKeyPair.DecodeSecret("short"));
        Assert.StartsWith("the secret key must be 40 characters of Z85 text", error.Message);
    }

    [Fact]
    public void Keys_match_what_netmq_makes()
    {
        for (var i = 0; i < 20; i++)
        {
            var netmq = new NetMQCertificate();
            Assert.Equal(netmq.PublicKeyZ85, Z85.Encode(netmq.PublicKey));
            Assert.Equal(netmq.SecretKeyZ85, Z85.Encode(netmq.SecretKey!));
            Assert.Equal(netmq.PublicKey, CurveKeyPair.DecodePublic(netmq.PublicKeyZ85));
            Assert.Equal(new CurveKeyPair(netmq.PublicKeyZ85, netmq.SecretKeyZ85!), CurveKeyPair.FromSecretKey(netmq.SecretKeyZ85!));
        }
        var ours = CurveKeyPair.Generate();
        Assert.Equal(ours.PublicKey, NetMQCertificate.CreateFromSecretKey(ours.SecretKey).PublicKeyZ85);
    }

    [PythonFact]
    public async Task Keys_match_what_libzmq_makes()
    {
        var ours = CurveKeyPair.Generate();
        // libzmq (through pyzmq) makes a pair and derives the public half of ours.
        await using var python = ChildProcess.Start(Python.Interpreter, "-c", """
            import sys, zmq
            public, secret = zmq.curve_keypair()
            print(public.decode(), secret.decode(), zmq.curve_public(sys.argv[1].encode()).decode())
            """, ours.SecretKey);
        Assert.Equal(0, await python.WaitForExitAsync());
        var (libzmqPublic, libzmqSecret, libzmqDerived) = python.Output.Trim().Split(' ') is [var p, var s, var d] ? (p, s, d) : throw new InvalidDataException(python.Output);
        Assert.Equal(new CurveKeyPair(libzmqPublic, libzmqSecret), CurveKeyPair.FromSecretKey(libzmqSecret));
        Assert.Equal(ours.PublicKey, libzmqDerived);
    }
}
