using System.Text.Json;
using Detr.Runtime.Matching;
using Detr.Tests;
using Detr.Torch;

namespace Detr.Runtime.Tests;

/// <summary>Reads the reference fixtures' nested JSON arrays into tensors and typed values.</summary>
internal static class FixtureJson
{
    public static JsonElement Case(string folder, string file, string name)
    {
        var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture(folder, file)));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    public static IEnumerable<string> CaseNames(string folder, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture(folder, file)));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
    }

    public static long[] ShapeOf(JsonElement e)
    {
        var shape = new List<long>();
        while (e.ValueKind == JsonValueKind.Array)
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0) break;
            e = e[0];
        }
        return shape.ToArray();
    }

    public static double[] Flatten(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten).ToArray() : [e.GetDouble()];

    /// <summary>A float32 tensor with the JSON array's shape (values are exact float32 numbers).</summary>
    public static Tensor F32(JsonElement e, params long[] shapeIfEmpty)
    {
        var values = Flatten(e).Select(v => (float)v).ToArray();
        var shape = values.Length == 0 && shapeIfEmpty.Length > 0 ? shapeIfEmpty : ShapeOf(e);
        return Tensor.From(values, shape);
    }

    public static List<ImageTargets> Targets(JsonElement targets) =>
        targets.EnumerateArray().Select(t => new ImageTargets(
            Tensor.From(t.GetProperty("labels").EnumerateArray().Select(x => x.GetInt64()).ToArray()),
            F32(t.GetProperty("boxes"), 0, 4))).ToList();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
}
