using Detr.Dsl;

namespace Detr.Runtime.Training;

/// <summary>
/// The learning-rate factor at a point of training. `step`: ×0.1 after each epoch in `lr_drop` (detr's
/// StepLR / MultiStepLR, stepped once per epoch); `cosine`: half a cosine from 1 to 0 over all optimizer
/// steps. An optional linear warm-up over the first `warmup` optimizer steps multiplies either.
/// </summary>
public sealed class LrSchedule(TrainPlan plan, int stepsPerEpoch)
{
    public int StepsPerEpoch { get; } = Math.Max(1, stepsPerEpoch);

    public double Factor(int epoch, long step)
    {
        double factor;
        if (plan.Schedule == "cosine")
        {
            var total = (double)plan.Epochs * StepsPerEpoch;
            factor = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, step / total)));
        }
        else
            factor = Math.Pow(0.1, plan.LrDrop.Count(drop => epoch >= drop));
        if (plan.Warmup > 0 && step < plan.Warmup) factor *= (step + 1.0) / plan.Warmup;
        return factor;
    }
}
