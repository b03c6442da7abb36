namespace Detr.Torch;

/// <summary>
/// Frees every tensor created on this thread while the scope is current, except those moved out.
/// Scopes nest (last opened, first closed); a tensor moved out joins the enclosing scope, or no
/// scope at all when this one is outermost.
/// <code>
/// using (var scope = DisposeScope.Enter())
/// {
///     var y = x.Matmul(w).Relu();   // temporaries freed at the end of the block
///     result = scope.MoveOut(y);     // ... except the result
/// }
/// </code>
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;

    private readonly DisposeScope? outer;
    private readonly List<Tensor> owned = [];
    private bool disposed;

    private DisposeScope(DisposeScope? outer) => this.outer = outer;

    /// <summary>The innermost open scope of the calling thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>Opens a scope and makes it current on this thread.</summary>
    public static DisposeScope Enter() => current = new DisposeScope(current);

    /// <summary>Number of tensors this scope will free.</summary>
    public int Count => owned.Count(t => t.Scope == this);

    internal void Attach(Tensor tensor)
    {
        tensor.Scope = this;
        owned.Add(tensor);
    }

    /// <summary>Keeps <paramref name="tensor"/> alive past this scope (it joins the enclosing scope, if any).</summary>
    public Tensor MoveOut(Tensor tensor)
    {
        if (tensor.Scope != this) return tensor;
        tensor.Scope = null;
        outer?.Attach(tensor);
        return tensor;
    }

    /// <summary>Moves several results out at once.</summary>
    public T MoveOut<T>(T tensors) where T : IEnumerable<Tensor>
    {
        foreach (var t in tensors) MoveOut(t);
        return tensors;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var tensor in owned)
            if (tensor.Scope == this)
            {
                tensor.Scope = null;
                tensor.Dispose();
            }
        owned.Clear();
        if (current == this) current = outer;
    }
}
