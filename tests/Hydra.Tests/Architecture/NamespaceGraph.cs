using System.Reflection;
using System.Reflection.Emit;

namespace Hydra.Tests.Architecture;

/// <summary>
/// Which layer of an assembly uses which, read from the compiled code: signatures, base types,
/// attributes' types aside, and every type, method and field a method body refers to. A layer is
/// a namespace's first two parts (<c>Hydra.Cluster.State</c> is part of <c>Hydra.Cluster</c>);
/// types outside <c>Hydra</c> (the compiler's generated regex helpers) are left out.
/// </summary>
internal static class NamespaceGraph
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value, code => code.OperandType);

    public static string LayerOf(string? ns) =>
        ns is null || !ns.StartsWith("Hydra", StringComparison.Ordinal) ? "" : string.Join('.', ns.Split('.').Take(2));

    /// <summary>Layer → the layers it uses (itself left out), with one example of each use.</summary>
    public static Dictionary<string, Dictionary<string, string>> Of(Assembly assembly)
    {
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in assembly.GetTypes())
        {
            var from = LayerOf(Outermost(type).Namespace);
            if (from.Length == 0)
            {
                continue; // <Module>, compiler-generated types outside any namespace
            }
            foreach (var used in TypesUsedBy(type).SelectMany(Expand))
            {
                if (used.Assembly != assembly)
                {
                    continue;
                }
                var to = LayerOf(Outermost(used).Namespace);
                if (to.Length == 0 || to == from)
                {
                    continue;
                }
                if (!graph.TryGetValue(from, out var edges))
                {
                    graph[from] = edges = [];
                }
                edges.TryAdd(to, $"{Outermost(type).Name} uses {Outermost(used).Name}");
            }
        }
        return graph;
    }

    /// <summary>Every cycle among the layers, as paths that start and end at the same layer (each found once).</summary>
    public static List<List<string>> Cycles(Dictionary<string, Dictionary<string, string>> graph)
    {
        var cycles = new List<List<string>>();
        var seen = new HashSet<string>();
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            Walk(start, [start]);
        }
        return cycles;

        void Walk(string at, List<string> path)
        {
            foreach (var next in graph.GetValueOrDefault(at)?.Keys ?? Enumerable.Empty<string>())
            {
                if (next == path[0])
                {
                    var key = string.Join(">", path.Order(StringComparer.Ordinal));
                    if (seen.Add(key))
                    {
                        cycles.Add([.. path, next]);
                    }
                }
                else if (!path.Contains(next) && string.CompareOrdinal(next, path[0]) > 0)
                {
                    Walk(next, [.. path, next]);
                }
            }
        }
    }

    /// <summary>A type with the types it is made of: element types and generic arguments.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var element in Expand(type.GetElementType()!))
            {
                yield return element;
            }
            yield break;
        }
        yield return type;
        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return argument;
            }
        }
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }
        return type;
    }

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }
        foreach (var contract in type.GetInterfaces())
        {
            yield return contract;
        }
        foreach (var field in type.GetFields(all))
        {
            yield return field.FieldType;
        }
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }
            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }
            foreach (var used in TypesInBody(method))
            {
                yield return used;
            }
        }
    }

    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }
        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[at++]);
            }
            var operand = OperandTypes.TryGetValue(value, out var kind) ? kind : OperandType.InlineNone;
            if (operand is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, at);
                Type? used = null;
                try
                {
                    used = module.ResolveMember(token, typeArguments, methodArguments) switch
                    {
                        Type t => t,
                        MemberInfo member => member.DeclaringType,
                        _ => null,
                    };
                }
                catch (ArgumentException)
                {
                    // a token of another kind (a signature): nothing to resolve
                }
                if (used is not null)
                {
                    yield return used;
                }
            }
            at += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
        }
    }
}
