using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Detr.Torch.Serialization;

/// <summary>A Python object the unpickler rebuilt by calling a whitelisted global (argparse.Namespace ...).</summary>
public sealed record PickleObject(string Class, IReadOnlyList<object?> Args)
{
    /// <summary>The state given by BUILD (usually a dict of attributes), if any.</summary>
    public object? State { get; set; }
}

/// <summary>A whitelisted global (class or function) named in the pickle.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}

/// <summary>
/// A pickle virtual machine for the subset PyTorch checkpoints use (protocols 0–5 opcodes for
/// containers, numbers, strings, memo, globals, REDUCE/BUILD/NEWOBJ, persistent ids). It never
/// executes code: globals resolve only through <see cref="ResolveGlobal"/>, and calling one goes
/// through <see cref="Call"/>; anything else is an error naming the global.
/// </summary>
public sealed class Unpickler(Stream input, string source)
{
    private readonly BinaryReader reader = new(input, Encoding.UTF8, leaveOpen: true);
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = [];

    /// <summary>Turns a persistent id (e.g. ('storage', type, key, location, numel)) into an object.</summary>
    public Func<object?, object?> PersistentLoad { get; init; } = pid => throw new InvalidDataException($"{source}: unexpected persistent id");

    /// <summary>Calls a global with arguments (REDUCE / NEWOBJ).</summary>
    public Func<PickleGlobal, IReadOnlyList<object?>, object?> Call { get; init; } = (g, _) => throw new InvalidDataException($"{source}: cannot call {g.FullName}");

    /// <summary>Accepts or rejects a global by module and name.</summary>
    public Func<string, string, bool> ResolveGlobal { get; init; } = (_, _) => false;

    private sealed class Mark;

    public object? Load()
    {
        while (true)
        {
            int op = reader.BaseStream.ReadByte();
            if (op < 0) throw new InvalidDataException($"{source}: pickle ends without STOP (truncated file?)");
            switch (op)
            {
                case 0x80: reader.ReadByte(); break;                               // PROTO
                case 0x95: reader.ReadInt64(); break;                              // FRAME (length only)
                case '.': return Pop();                                            // STOP
                case '(': marks.Add(stack.Count); break;                           // MARK
                case '}': Push(new Dictionary<object, object?>()); break;          // EMPTY_DICT
                case ']': Push(new List<object?>()); break;                        // EMPTY_LIST
                case ')': Push(Array.Empty<object?>()); break;                     // EMPTY_TUPLE
                case 0x8f: Push(new HashSet<object?>()); break;                    // EMPTY_SET
                case 'N': Push(null); break;                                       // NONE
                case 0x88: Push(true); break;                                      // NEWTRUE
                case 0x89: Push(false); break;                                     // NEWFALSE
                case 'J': Push((long)reader.ReadInt32()); break;                   // BININT
                case 'K': Push((long)reader.ReadByte()); break;                    // BININT1
                case 'M': Push((long)reader.ReadUInt16()); break;                  // BININT2
                case 0x8a: Push(ReadLong(reader.ReadByte())); break;              // LONG1
                case 0x8b: Push(ReadLong(reader.ReadInt32())); break;             // LONG4
                case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(reader.ReadBytes(8))); break; // BINFLOAT
                case 'I': Push(ParseIntLine(ReadLine())); break;                  // INT (protocol 0)
                case 'L': Push(long.Parse(ReadLine().TrimEnd('L'), System.Globalization.CultureInfo.InvariantCulture)); break;
                case 'F': Push(double.Parse(ReadLine(), System.Globalization.CultureInfo.InvariantCulture)); break;
                case 'X': Push(ReadUtf8(reader.ReadInt32())); break;              // BINUNICODE
                case 0x8c: Push(ReadUtf8(reader.ReadByte())); break;              // SHORT_BINUNICODE
                case 0x8d: Push(ReadUtf8(checked((int)reader.ReadInt64()))); break; // BINUNICODE8
                case 'T': Push(Encoding.Latin1.GetString(ReadBytes(reader.ReadInt32()))); break; // BINSTRING
                case 'U': Push(Encoding.Latin1.GetString(ReadBytes(reader.ReadByte()))); break;   // SHORT_BINSTRING
                case 'B': Push(ReadBytes(reader.ReadInt32())); break;             // BINBYTES
                case 'C': Push(ReadBytes(reader.ReadByte())); break;              // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(checked((int)reader.ReadInt64()))); break; // BINBYTES8
                case 0x85: Push(new[] { Pop() }); break;                          // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case 't': Push(PopMark().ToArray()); break;                       // TUPLE
                case 'l': Push(PopMark()); break;                                  // LIST
                case 'd': Push(ToDict(PopMark())); break;                          // DICT
                case 'a': { var v = Pop(); AsList(Peek()).Add(v); break; }        // APPEND
                case 'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case 's': { var v = Pop(); var k = Pop(); AsDict(Peek())[Key(k)] = v; break; } // SETITEM
                case 'u': { var items = PopMark(); var d = AsDict(Peek()); for (var i = 0; i + 1 < items.Count; i += 2) d[Key(items[i])] = items[i + 1]; break; } // SETITEMS
                case 0x90: { var items = PopMark(); var set = (HashSet<object?>)Peek()!; foreach (var i in items) set.Add(i); break; } // ADDITEMS
                case 0x91: Push(new HashSet<object?>(PopMark())); break;          // FROZENSET
                case 'q': memo[reader.ReadByte()] = Peek(); break;                 // BINPUT
                case 'r': memo[reader.ReadUInt32()] = Peek(); break;               // LONG_BINPUT
                case 'p': memo[long.Parse(ReadLine(), System.Globalization.CultureInfo.InvariantCulture)] = Peek(); break; // PUT
                case 0x94: memo[memo.Count] = Peek(); break;                      // MEMOIZE
                case 'h': Push(Memo(reader.ReadByte())); break;                    // BINGET
                case 'j': Push(Memo(reader.ReadUInt32())); break;                  // LONG_BINGET
                case 'g': Push(Memo(long.Parse(ReadLine(), System.Globalization.CultureInfo.InvariantCulture))); break; // GET
                case 'c': Push(Global(ReadLine(), ReadLine())); break;             // GLOBAL
                case 0x93: { var name = (string)Pop()!; var module = (string)Pop()!; Push(Global(module, name)); break; } // STACK_GLOBAL
                case 'R': { var args = AsTuple(Pop()); var f = Pop(); Push(Invoke(f, args)); break; } // REDUCE
                case 0x81: { var args = AsTuple(Pop()); var cls = Pop(); Push(Invoke(cls, args)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = AsTuple(Pop()); var cls = Pop(); Push(Invoke(cls, args)); break; } // NEWOBJ_EX (kwargs ignored)
                case 'b': { var state = Pop(); Build(Peek(), state); break; }      // BUILD
                case 'Q': Push(PersistentLoad(Pop())); break;                      // BINPERSID
                case 'P': Push(PersistentLoad(ReadLine())); break;                 // PERSID
                case '0': Pop(); break;                                            // POP
                case '1': PopMark(); break;                                        // POP_MARK
                case '2': Push(Peek()); break;                                     // DUP
                default:
                    throw new InvalidDataException($"{source}: unsupported pickle opcode 0x{op:x2} at byte {reader.BaseStream.Position - 1}");
            }
        }
    }

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        if (stack.Count == 0) throw new InvalidDataException($"{source}: pickle stack underflow (corrupt file?)");
        var v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    private object? Peek() => stack.Count > 0 ? stack[^1] : throw new InvalidDataException($"{source}: pickle stack underflow (corrupt file?)");

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw new InvalidDataException($"{source}: pickle MARK missing (corrupt file?)");
        var at = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        var items = stack.GetRange(at, stack.Count - at);
        stack.RemoveRange(at, stack.Count - at);
        return items;
    }

    private object? Memo(long key) => memo.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{source}: pickle memo key {key} missing");

    private byte[] ReadBytes(int n)
    {
        if (n < 0) throw new InvalidDataException($"{source}: negative length in pickle");
        var bytes = reader.ReadBytes(n);
        return bytes.Length == n ? bytes : throw new InvalidDataException($"{source}: pickle ends inside a string (truncated file?)");
    }

    private string ReadUtf8(int n) => Encoding.UTF8.GetString(ReadBytes(n));

    private string ReadLine()
    {
        var sb = new StringBuilder();
        int c;
        while ((c = reader.BaseStream.ReadByte()) != '\n')
        {
            if (c < 0) throw new InvalidDataException($"{source}: pickle ends inside a line (truncated file?)");
            sb.Append((char)c);
        }
        return sb.ToString();
    }

    private static object ParseIntLine(string line) => line switch
    {
        "00" => false,
        "01" => true,
        _ => long.Parse(line, System.Globalization.CultureInfo.InvariantCulture),
    };

    private object ReadLong(int n)
    {
        var bytes = ReadBytes(n);
        if (n == 0) return 0L;
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private object Global(string module, string name) =>
        ResolveGlobal(module, name) ? new PickleGlobal(module, name)
            : throw new InvalidDataException($"{source}: unsupported pickle global {module}.{name} (only tensors, containers and known checkpoint types load)");

    private object? Invoke(object? callable, IReadOnlyList<object?> args) =>
        callable is PickleGlobal g ? Call(g, args) : throw new InvalidDataException($"{source}: REDUCE on a non-global ({callable?.GetType().Name ?? "None"})");

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PickleObject o: o.State = state; break;
            case Dictionary<object, object?> when state is Dictionary<object, object?>:
                break; // OrderedDict attributes such as state_dict._metadata: not needed to load tensors
            default: break; // objects whose state we do not need (e.g. numpy dtype descriptors)
        }
    }

    private static object Key(object? k) => k ?? throw new InvalidDataException("pickle dictionary key is None");

    private List<object?> AsList(object? o) => o as List<object?> ?? throw new InvalidDataException($"{source}: APPEND on a {o?.GetType().Name ?? "None"}");

    private Dictionary<object, object?> AsDict(object? o) => o as Dictionary<object, object?> ?? throw new InvalidDataException($"{source}: SETITEM on a {o?.GetType().Name ?? "None"}");

    private IReadOnlyList<object?> AsTuple(object? o) => o as IReadOnlyList<object?> ?? throw new InvalidDataException($"{source}: call arguments are not a tuple");

    private Dictionary<object, object?> ToDict(List<object?> items)
    {
        var d = new Dictionary<object, object?>();
        for (var i = 0; i + 1 < items.Count; i += 2) d[Key(items[i])] = items[i + 1];
        return d;
    }
}
