using System.Text;
using System.Text.Json;
using Detr.Runtime.Coco;
using Detr.Tests;

namespace Detr.Runtime.Tests.Coco;

/// <summary>Issue #4, acceptance 1: pycocotools' numbers on every fixture case.</summary>
public class CocoFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "cocoeval_cases.json", "cocoeval_large_500img.json" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("cocoeval", file)));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray()) data.Add(file, c.GetProperty("name").GetString()!);
        }
        return data;
    }

    /// <summary>Evaluates a fixture case through the JSON readers, as `detr eval-coco` does.</summary>
    internal static (CocoResult Result, JsonElement Expected) Run(string file, string name, bool details = false, int threads = 2)
    {
        var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("cocoeval", file)));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var inputs = c.GetProperty("inputs");
        var gt = CocoJson.ReadGroundTruth(Encoding.UTF8.GetBytes(inputs.GetProperty("gt").GetRawText()), name + "/gt");
        var dets = CocoJson.ReadResults(Encoding.UTF8.GetBytes(inputs.GetProperty("dets").GetRawText()), name + "/dets", gt);
        var evaluator = new CocoEvaluator(gt);
        evaluator.AddValidated(dets);
        return (evaluator.Compute(threads, details), c.GetProperty("expected"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stats_per_category_and_recall_match_pycocotools(string file, string name)
    {
        var (result, expected) = Run(file, name);
        var stats = expected.GetProperty("stats").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var i = 0; i < 12; i++)
            Assert.True(Math.Abs(stats[i] - result.Stats.Values[i]) <= 1e-9, $"{CocoStats.Names[i]}: pycocotools {stats[i]:R}, ours {result.Stats.Values[i]:R}");

        foreach (var cat in expected.GetProperty("per_category").EnumerateObject())
        {
            var ours = result.PerCategory.Single(c => c.CategoryId == long.Parse(cat.Name));
            Assert.Equal(cat.Value.GetProperty("AP").GetDouble(), ours.AP, 12);
            Assert.Equal(cat.Value.GetProperty("AP50").GetDouble(), ours.AP50, 12);
            Assert.Equal(cat.Value.GetProperty("AR100").GetDouble(), ours.AR100, 12);
        }

        var acc = result.Accumulation;
        var recall = expected.GetProperty("recall");
        for (var t = 0; t < acc.T; t++)
            for (var k = 0; k < acc.K; k++)
                for (var a = 0; a < acc.A; a++)
                    for (var m = 0; m < acc.M; m++)
                        Assert.Equal(recall[t][k][a][m].GetDouble(), acc.Recall[acc.RecallIndex(t, k, a, m)], 12);

        if (expected.TryGetProperty("precision_area_all_maxdet100", out var precision))
            for (var t = 0; t < acc.T; t++)
                for (var r = 0; r < acc.R; r++)
                    for (var k = 0; k < acc.K; k++)
                        Assert.Equal(precision[t][r][k].GetDouble(), acc.Precision[acc.PrecisionIndex(t, r, k, 0, 2)], 12);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Per_image_evaluations_match_pycocotools_eval_imgs(string file, string name)
    {
        var (result, expected) = Run(file, name, details: true);
        if (!expected.TryGetProperty("eval_imgs", out var evalImgs)) return; // only the small cases store them
        var ours = result.EvalImages!;
        Assert.Equal(evalImgs.GetArrayLength(), ours.Count);
        for (var n = 0; n < ours.Count; n++)
        {
            var want = evalImgs[n];
            var e = ours[n];
            Assert.Equal(want.GetProperty("image_id").GetInt64(), e.ImageId);
            Assert.Equal(want.GetProperty("category_id").GetInt64(), e.CategoryId);
            Assert.Equal(want.GetProperty("aRng")[0].GetDouble(), e.AreaRange.Lo);
            Assert.Equal(want.GetProperty("dtIds").EnumerateArray().Select(x => x.GetInt64()), e.DetIds);
            Assert.Equal(want.GetProperty("gtIds").EnumerateArray().Select(x => x.GetInt64()), e.GtIds);
            Assert.Equal(want.GetProperty("dtScores").EnumerateArray().Select(x => x.GetDouble()), e.DetScores);
            Assert.Equal(want.GetProperty("gtIgnore").EnumerateArray().Select(x => x.GetDouble() != 0), e.GtIgnore);
            for (var t = 0; t < 10; t++)
            {
                for (var d = 0; d < e.DetIds.Length; d++)
                {
                    Assert.Equal(want.GetProperty("dtMatches")[t][d].GetDouble(), e.DetMatches[t, d]);
                    Assert.Equal(want.GetProperty("dtIgnore")[t][d].GetDouble() != 0, e.DetIgnore[t, d]);
                }
                for (var g = 0; g < e.GtIds.Length; g++)
                    Assert.Equal(want.GetProperty("gtMatches")[t][g].GetDouble(), e.GtMatches[t, g]);
            }
        }
    }

    [Fact]
    public void Thresholds_are_numpy_linspace_values()
    {
        var p = CocoParams.Default;
        Assert.Equal(0.8999999999999999, p.IouThresholds[8]);
        Assert.Equal(0.35000000000000003, p.RecallThresholds[35]);
        Assert.Equal(0.75, p.IouThresholds[5]);
        Assert.Equal(1.0, p.RecallThresholds[100]);
    }
}

public class CocoStreamingTests
{
    [Fact]
    public void Streaming_batches_give_the_same_stats_as_the_json_path()
    {
        var (fromJson, _) = CocoFixtureTests.Run("cocoeval_large_500img.json", "large_500img_80cat");
        var doc = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("cocoeval", "cocoeval_large_500img.json")));
        var inputs = doc.RootElement.GetProperty("cases")[0].GetProperty("inputs");
        var gt = CocoJson.ReadGroundTruth(Encoding.UTF8.GetBytes(inputs.GetProperty("gt").GetRawText()), "gt");
        var streaming = new CocoEvaluator(gt);
        foreach (var batch in inputs.GetProperty("dets").EnumerateArray().Chunk(64)) // as a trainer adds them
            foreach (var d in batch)
            {
                var b = d.GetProperty("bbox");
                streaming.Add(d.GetProperty("image_id").GetInt64(), d.GetProperty("category_id").GetInt64(),
                              b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble(), d.GetProperty("score").GetDouble());
            }
        Assert.Equal(fromJson.Stats.Values, streaming.Compute(threads: 1).Stats.Values);
    }

    [Fact]
    public void Streaming_rejects_bad_detections_naming_their_index()
    {
        var gt = new CocoGroundTruth([1], [new CocoCategory(1, "a")], []);
        var e = new CocoEvaluator(gt);
        e.Add(1, 1, 0, 0, 1, 1, 0.5);
        Assert.Contains("detection 1: image_id 9", Assert.Throws<CocoFormatException>(() => e.Add(9, 1, 0, 0, 1, 1, 0.5)).Message);
        Assert.Contains("detection 1: score NaN", Assert.Throws<CocoFormatException>(() => e.Add(1, 1, 0, 0, 1, 1, double.NaN)).Message);
        Assert.Contains("negative width", Assert.Throws<CocoFormatException>(() => e.Add(1, 1, 0, 0, -1, 1, 0.5)).Message);
    }
}
