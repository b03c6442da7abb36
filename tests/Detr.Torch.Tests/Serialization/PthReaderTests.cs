using System.IO.Compression;
using System.Text.Json;
using Detr.Torch;
using Detr.Torch.Serialization;
using Detr.Tests;

namespace Detr.Torch.Tests.Serialization;

public class PthReaderTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("torch", "expected.json"))).RootElement.GetProperty("tensors");

    [Theory]
    [InlineData("state_dict.pth")]
    [InlineData("checkpoint_with_model.pth")]
    [InlineData("legacy_format.pth")]
    public void Fixture_loads_with_expected_names_dtypes_shapes_and_values(string file)
    {
        var state = PthReader.LoadStateDict(TestPaths.Fixture("torch", file));
        Assert.Equal(Expected.EnumerateObject().Select(p => p.Name), state.Select(s => s.Name));
        using var scope = DisposeScope.Enter();
        foreach (var (name, raw) in state)
        {
            var want = Expected.GetProperty(name);
            Assert.Equal(want.GetProperty("dtype").GetString(), raw.DType.Name());
            Assert.Equal(want.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()), raw.Shape);
            var values = FlattenValues(want.GetProperty("values"));
            var got = raw.ToTensor().To(DType.Float64).ToArray<double>();
            Assert.Equal(values.Length, got.Length);
            for (var i = 0; i < values.Length; i++)
                Assert.True(values[i] == got[i], $"{file} {name}[{i}]: expected {values[i]}, got {got[i]}"); // exact: same bits
        }
    }

    private static double[] FlattenValues(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().SelectMany(FlattenValues).ToArray(),
        JsonValueKind.True => [1],
        JsonValueKind.False => [0],
        _ => [e.GetDouble()],
    };

    [Fact]
    public void Checkpoint_keeps_its_other_entries()
    {
        var root = (Dictionary<object, object?>)PthReader.LoadObject(TestPaths.Fixture("torch", "checkpoint_with_model.pth"))!;
        Assert.Contains("model", root.Keys);
        Assert.Contains("epoch", root.Keys);
        Assert.Contains("args", root.Keys);
    }

    [Fact]
    public void A_file_that_is_not_a_torch_file_is_named_in_the_error()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "hello");
        var e = Assert.Throws<InvalidDataException>(() => PthReader.LoadStateDict(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a PyTorch file", e.Message);
    }

    [Fact]
    public void Truncated_file_gives_a_clear_error()
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixture("torch", "legacy_format.pth"));
        var path = Path.GetTempFileName();
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsAny<Exception>(() => PthReader.LoadStateDict(path));
        Assert.True(e is InvalidDataException or EndOfStreamException, e.GetType().Name);
    }

    /// <summary>A hand-written zip-format checkpoint whose pickle names a global we must not call.</summary>
    [Fact]
    public void An_unknown_pickle_global_is_refused_by_name()
    {
        var path = TestScratch.Path($"evil-{Guid.NewGuid():N}.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("archive/data.pkl").Open();
            // PROTO 2; GLOBAL 'os system'; SHORT_BINUNICODE 'ls'; TUPLE1; REDUCE; STOP
            s.Write([0x80, 0x02, (byte)'c', .. "os\nsystem\n"u8, 0x8c, 2, (byte)'l', (byte)'s', 0x85, (byte)'R', (byte)'.']);
        }
        var e = Assert.Throws<InvalidDataException>(() => PthReader.LoadObject(path));
        Assert.Contains("os.system", e.Message);
    }

    /// <summary>A tensor stored as a transposed view with a storage offset, written by hand.</summary>
    [Fact]
    public void Strided_views_with_offsets_are_gathered_in_c_order()
    {
        var path = TestScratch.Path($"view-{Guid.NewGuid():N}.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("archive/data.pkl").Open())
            {
                var p = new List<byte> { 0x80, 0x02, (byte)'}', (byte)'(' };
                void Str(string text) { p.Add(0x8c); p.Add((byte)text.Length); p.AddRange(System.Text.Encoding.ASCII.GetBytes(text)); }
                Str("t");
                p.Add((byte)'c'); p.AddRange("torch._utils\n_rebuild_tensor_v2\n"u8.ToArray());
                p.Add((byte)'(');
                // persistent id ('storage', torch.FloatStorage, '0', 'cpu', 7)
                p.Add((byte)'('); Str("storage"); p.Add((byte)'c'); p.AddRange("torch\nFloatStorage\n"u8.ToArray());
                Str("0"); Str("cpu"); p.Add((byte)'K'); p.Add(7); p.Add((byte)'t'); p.Add((byte)'Q');
                p.Add((byte)'K'); p.Add(1);                                   // offset 1
                p.Add((byte)'K'); p.Add(2); p.Add((byte)'K'); p.Add(3); p.Add(0x86); // size (2, 3)
                p.Add((byte)'K'); p.Add(1); p.Add((byte)'K'); p.Add(2); p.Add(0x86); // stride (1, 2)
                p.Add(0x89); p.Add((byte)'}');                                // requires_grad False, hooks {}
                p.Add((byte)'t'); p.Add((byte)'R');
                p.Add((byte)'u'); p.Add((byte)'.');
                s.Write(p.ToArray());
            }
            using (var d = zip.CreateEntry("archive/data/0").Open())
                foreach (var f in new float[] { 9, 0, 1, 2, 3, 4, 5 }) d.Write(BitConverter.GetBytes(f));
        }
        var (name, raw) = PthReader.LoadStateDict(path).Single();
        Assert.Equal("t", name);
        Assert.Equal(new long[] { 2, 3 }, raw.Shape);
        using var t = raw.ToTensor();
        Assert.Equal(new float[] { 0, 2, 4, 1, 3, 5 }, t.ToArray<float>());
    }
}
