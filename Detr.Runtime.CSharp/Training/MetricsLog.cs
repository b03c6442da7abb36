using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Detr.Runtime.Training;

/// <summary>
/// `metrics.jsonl`: one JSON object per line — `"kind": "train"` (every logged step: epoch, step, lr, loss,
/// every loss term, it/s), `"kind": "eval"` (epoch, step and the 12 COCO stats by name), `"kind": "epoch"`
/// (epoch, step, seconds, resident memory). Each line is written and flushed whole; on resume the lines after
/// the checkpoint's position (and a torn last line from a kill) are dropped, so the file never repeats a step.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly FileStream stream;

    public string Path { get; }

    private MetricsLog(string path, FileStream stream)
    {
        Path = path;
        this.stream = stream;
    }

    public static MetricsLog Create(string path) =>
        new(path, new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));

    /// <summary>Keeps the complete records up to the checkpoint (train and epoch records with step ≤ trainStep,
    /// eval records with step ≤ evalStep) and appends after them.</summary>
    public static MetricsLog Resume(string path, long trainStep, long evalStep)
    {
        var kept = new StringBuilder();
        if (File.Exists(path))
            foreach (var (line, record) in Records(path))
            {
                var step = record["step"]?.GetValue<long>() ?? long.MaxValue;
                var limit = record["kind"]?.GetValue<string>() == "eval" ? evalStep : trainStep;
                if (step <= limit) kept.Append(line).Append('\n');
            }
        Torch.Serialization.AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(kept.ToString())));
        return new(path, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    public void Write(JsonObject record)
    {
        var bytes = Encoding.UTF8.GetBytes(record.ToJsonString() + "\n");
        stream.Write(bytes);
        stream.Flush();
    }

    /// <summary>Every record of a metrics file (torn lines skipped).</summary>
    public static List<JsonObject> Read(string path) => Records(path).Select(r => r.Record).ToList();

    /// <summary>Each complete line with its record; a line torn by a kill does not parse and is skipped.</summary>
    private static IEnumerable<(string Line, JsonObject Record)> Records(string path)
    {
        foreach (var line in File.ReadAllLines(path))
        {
            JsonObject? record = null;
            try { record = JsonNode.Parse(line) as JsonObject; }
            catch (JsonException) { }
            if (record is not null) yield return (line, record);
        }
    }

    public void Dispose() => stream.Dispose();
}
