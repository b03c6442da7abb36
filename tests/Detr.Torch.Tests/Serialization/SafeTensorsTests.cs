using System.Text;
using Detr.Torch;
using Detr.Torch.Serialization;
using Detr.Tests;

namespace Detr.Torch.Tests.Serialization;

public class SafeTensorsTests
{
    private static string TempFile() => TestScratch.Path($"st-{Guid.NewGuid():N}.safetensors");

    [Fact]
    public void Round_trip_is_bit_exact_for_every_dtype_and_odd_shapes()
    {
        using var scope = DisposeScope.Enter();
        LibTorch.ManualSeed(1);
        var tensors = new List<(string, Tensor)>
        {
            ("f32", Tensor.Randn([3, 4])),
            ("f64", Tensor.Randn([2], DType.Float64)),
            ("f16", Tensor.Randn([5]).To(DType.Float16)),
            ("bf16", Tensor.Randn([5]).To(DType.BFloat16)),
            ("i64", Tensor.From(new[] { long.MinValue, 0, long.MaxValue })),
            ("i32", Tensor.From(new[] { -7, 8 })),
            ("i16", Tensor.From(new short[] { -3 })),
            ("i8", Tensor.From(new sbyte[] { -128, 127 })),
            ("u8", Tensor.From(new byte[] { 0, 255 })),
            ("bool", Tensor.From(new[] { true, false })),
            ("scalar", Tensor.Scalar(3.5)),
            ("empty", Tensor.Zeros([0, 3])),
            ("nan", Tensor.From(new[] { float.NaN, float.NegativeInfinity, -0.0f })),
        };
        var path = TempFile();
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["config"] = "{\"dim\": 64}" });
        var loaded = SafeTensors.Load(path).ToDictionary(t => t.Name, t => t.Value);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.DType, loaded[name].DType);
            Assert.Equal(t.Shape, loaded[name].Shape);
            Assert.Equal(t.ToBytes(), loaded[name].ToBytes());
        }
        Assert.Equal("{\"dim\": 64}", SafeTensors.Metadata(path)["config"]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0, BitConverter.ToInt64(bytes, 0) % 8); // header padded to 8 bytes
    }

    [Fact]
    public void Parity_weights_load_with_their_metadata()
    {
        var path = TestPaths.Fixture("parity", "detr", "weights.safetensors");
        var metadata = SafeTensors.Metadata(path);
        Assert.Contains("config", metadata.Keys);
        using var scope = DisposeScope.Enter();
        var tensors = SafeTensors.Load(path);
        Assert.Contains(tensors, t => t.Name == "class_embed.weight");
        Assert.All(tensors, t => Assert.Equal(DType.Float32, t.Value.DType));
    }

    private static string WriteRaw(string header, byte[] data)
    {
        var path = TempFile();
        var h = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)h.Length), .. h, .. data]);
        return path;
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", "not valid JSON")]
    [InlineData("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", "unsupported dtype 'Q7'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "outside")]
    public void Corrupt_headers_are_rejected_naming_the_file_and_tensor(string header, string message)
    {
        var path = WriteRaw(header, new byte[8]);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Truncated_file_is_rejected()
    {
        var path = TempFile();
        File.WriteAllBytes(path, BitConverter.GetBytes(1000L));
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains("impossible", e.Message);
    }

    [Fact]
    public void Merging_files_rejects_a_name_given_twice()
    {
        using var scope = DisposeScope.Enter();
        var a = TempFile();
        var b = TempFile();
        SafeTensors.Save(a, [("x", Tensor.Zeros([1]))]);
        SafeTensors.Save(b, [("x", Tensor.Zeros([1]))]);
        var e = Assert.Throws<InvalidDataException>(() => WeightsFile.LoadMerged([a, b]));
        Assert.Contains("'x'", e.Message);
    }
}
