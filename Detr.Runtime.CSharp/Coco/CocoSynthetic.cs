namespace Detr.Runtime.Coco;

/// <summary>
/// The synthetic evaluation set of ../shared/fixtures/cocoeval/gen_coco_synth.py, ported (same model of the
/// data, our own random stream, so not the same numbers): per image a COCO-like size, Poisson(7) ground
/// truths with Zipf-like categories over the 80 COCO ids, log-uniform areas and aspect ratios, 1% crowd,
/// an area field 0.55–0.95 × the box area; exactly 100 detections: jittered copies of most objects (some
/// with the wrong class), noisier duplicates, and random boxes with low scores.
/// </summary>
public static class CocoSynthetic
{
    public static readonly long[] Coco80 =
    [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28,
        31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55,
        56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84,
        85, 86, 87, 88, 89, 90,
    ];

    private static readonly (int W, int H)[] Shapes = [(640, 480), (480, 640), (640, 427), (500, 375)];

    public static (CocoGroundTruth GroundTruth, List<CocoDetection> Detections) Generate(int seed, int images, int categories = 80,
                                                                                        double gtPerImage = 7.0, int detsPerImage = 100)
    {
        var rng = new Random(seed);
        var catIds = Coco80.Take(categories).ToArray();
        var zipf = Enumerable.Range(1, categories).Select(i => 1.0 / Math.Pow(i, 0.8)).ToArray();
        var total = zipf.Sum();
        var perm = Enumerable.Range(0, categories).OrderBy(_ => rng.Next()).ToArray();
        var cumulative = new double[categories];
        var probability = new double[categories];
        for (var i = 0; i < categories; i++) probability[perm[i]] = zipf[i] / total;
        for (var i = 0; i < categories; i++) cumulative[i] = (i > 0 ? cumulative[i - 1] : 0) + probability[i];

        double Uniform(double a, double b) => a + (b - a) * rng.NextDouble();
        double Normal(double sigma) => sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        int Poisson(double lambda)
        {
            var l = Math.Exp(-lambda);
            var k = 0;
            for (var p = rng.NextDouble(); p > l; p *= rng.NextDouble()) k++;
            return k;
        }
        long Category()
        {
            var u = rng.NextDouble();
            var i = Array.FindIndex(cumulative, c => u < c);
            return catIds[i < 0 ? categories - 1 : i];
        }
        static double[] Clip(double x, double y, double w, double h, int W, int H)
        {
            var x0 = Math.Min(Math.Max(x, 0), W - 1.0);
            var y0 = Math.Min(Math.Max(y, 0), H - 1.0);
            var x1 = Math.Min(Math.Max(x + w, x0 + 1), W);
            var y1 = Math.Min(Math.Max(y + h, y0 + 1), H);
            return [Math.Round(x0, 2), Math.Round(y0, 2), Math.Round(x1 - x0, 2), Math.Round(y1 - y0, 2)];
        }

        var imageIds = new List<long>();
        var annotations = new List<CocoAnnotation>();
        var detections = new List<CocoDetection>();
        long annotationId = 1;
        for (var i = 0; i < images; i++)
        {
            long imageId = i + 1;
            imageIds.Add(imageId);
            var (W, H) = Shapes[rng.Next(Shapes.Length)];
            var gts = new List<(long Cat, double[] Box)>();
            for (var n = Poisson(gtPerImage); n > 0; n--)
            {
                var cat = Category();
                var area = Math.Exp(Uniform(Math.Log(36), Math.Log(0.6 * W * H)));
                var ratio = Math.Exp(Uniform(Math.Log(1 / 3.0), Math.Log(3)));
                var w = Math.Min(Math.Sqrt(area * ratio), W - 1.0);
                var h = Math.Min(Math.Sqrt(area / ratio), H - 1.0);
                var b = Clip(Uniform(0, W - w), Uniform(0, H - h), w, h, W, H);
                var crowd = rng.NextDouble() < 0.01;
                var segArea = Math.Round(b[2] * b[3] * Uniform(0.55, 0.95), 2);
                annotations.Add(new CocoAnnotation(annotationId++, imageId, cat, b[0], b[1], b[2], b[3], segArea, crowd));
                gts.Add((cat, b));
            }
            var dets = new List<(long Cat, double[] Box, double Score)>();
            foreach (var (cat, b) in gts)
            {
                if (rng.NextDouble() >= 0.85) continue;
                var c = rng.NextDouble() < 0.9 ? cat : catIds[rng.Next(categories)];
                dets.Add((c, Clip(b[0] + Normal(0.08) * b[2], b[1] + Normal(0.08) * b[3], b[2] * (1 + Normal(0.08)), b[3] * (1 + Normal(0.08)), W, H), Uniform(0.25, 1)));
                if (rng.NextDouble() < 0.3)
                    dets.Add((c, Clip(b[0] + Normal(0.2) * b[2], b[1] + Normal(0.2) * b[3], b[2] * (1 + Normal(0.2)), b[3] * (1 + Normal(0.2)), W, H), Uniform(0.05, 0.6)));
            }
            var present = gts.Select(g => g.Cat).Distinct().Order().ToArray();
            while (dets.Count < detsPerImage)
            {
                var c = present.Length > 0 && rng.NextDouble() < 0.5 ? present[rng.Next(present.Length)] : catIds[rng.Next(categories)];
                var area = Math.Exp(Uniform(Math.Log(36), Math.Log(0.5 * W * H)));
                var ratio = Math.Exp(Uniform(Math.Log(1 / 3.0), Math.Log(3)));
                var w = Math.Min(Math.Sqrt(area * ratio), W - 1.0);
                var h = Math.Min(Math.Sqrt(area / ratio), H - 1.0);
                dets.Add((c, Clip(Uniform(0, W - w), Uniform(0, H - h), w, h, W, H), 0.6 * Math.Pow(rng.NextDouble(), 3)));
            }
            foreach (var k in Enumerable.Range(0, dets.Count).OrderBy(_ => rng.Next()).Take(detsPerImage))
            {
                var (c, b, s) = dets[k];
                detections.Add(new CocoDetection(detections.Count + 1, imageId, c, b[0], b[1], b[2], b[3], Math.Round(s, 5)));
            }
        }
        var gt = new CocoGroundTruth(imageIds, catIds.Select(c => new CocoCategory(c, $"cat{c}")).ToArray(), annotations);
        return (gt, detections);
    }

    /// <summary>The ground truth as COCO JSON (images, annotations, categories).</summary>
    public static byte[] GroundTruthJson(CocoGroundTruth gt)
    {
        using var stream = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartArray("images");
            foreach (var id in gt.ImageIds) { w.WriteStartObject(); w.WriteNumber("id", id); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteStartArray("annotations");
            foreach (var a in gt.Annotations)
            {
                w.WriteStartObject();
                w.WriteNumber("id", a.Id);
                w.WriteNumber("image_id", a.ImageId);
                w.WriteNumber("category_id", a.CategoryId);
                w.WriteStartArray("bbox");
                w.WriteNumberValue(a.X); w.WriteNumberValue(a.Y); w.WriteNumberValue(a.W); w.WriteNumberValue(a.H);
                w.WriteEndArray();
                w.WriteNumber("area", a.Area);
                w.WriteNumber("iscrowd", a.IsCrowd ? 1 : 0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("categories");
            foreach (var c in gt.Categories) { w.WriteStartObject(); w.WriteNumber("id", c.Id); w.WriteString("name", c.Name); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
