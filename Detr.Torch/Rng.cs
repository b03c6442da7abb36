using Detr.Torch.Interop;

namespace Detr.Torch;

/// <summary>The default CPU generator's state, saved in checkpoints so a resumed run draws the same numbers.</summary>
public static class Rng
{
    /// <summary>A uint8 tensor holding the full generator state.</summary>
    public static Tensor GetState() => Tensor.Wrap(NativeMethods.dt_get_rng_state());

    public static void SetState(Tensor state) => NativeMethods.Check(NativeMethods.dt_set_rng_state(state.Handle));
}
