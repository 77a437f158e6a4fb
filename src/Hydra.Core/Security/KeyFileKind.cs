namespace Hydra.Security;

/// <summary>What a key file says it holds.</summary>
public enum KeyFileKind
{
    /// <summary>
    /// One bare 40-character Z85 key, as <c>hydra keygen</c> wrote before certificates. It cannot
    /// say whether the key is public or secret, so it is taken as whichever is asked for.
    /// </summary>
    Plain,

    /// <summary>A ZeroMQ public certificate: a <c>curve</c> section with a <c>public-key</c> only.</summary>
    Public,

    /// <summary>A ZeroMQ secret certificate: a <c>curve</c> section with <c>public-key</c> and <c>secret-key</c>.</summary>
    Secret,
}
