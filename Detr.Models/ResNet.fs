/// ResNet-18/34/50/101 in torchvision's layout ("v1.5": the stride of a bottleneck is on its 3x3 conv), with
/// frozen or trained batch norm, optional dilation of the last stage (DC5), parameter names as torchvision
/// (`conv1.weight`, `layer1.0.bn1.running_mean`, `layer2.0.downsample.0.weight`) so checkpoints load.
/// He et al., "Deep Residual Learning for Image Recognition", CVPR 2016.
namespace Detr.Models

open Detr.Torch

/// torchvision's `downsample` Sequential: `0` a 1x1 conv with the block's stride, `1` a norm.
type DownsampleBranch(inplanes: int, outplanes: int, stride: int, frozen: bool) as this =
    inherit Module()
    let conv = this.RegisterModule("0", new Conv2d(inplanes, outplanes, 1, stride, 0, 1, false))
    let norm =
        let m, f = Norm2d.Create(outplanes, frozen)
        this.RegisterModule("1", m) |> ignore
        f
    member _.Forward(x: Tensor) = norm (conv.Forward x)

/// torchvision BasicBlock (ResNet-18/34): two 3x3 convs.
type BasicBlock(inplanes: int, planes: int, stride: int, dilation: int, downsample: bool, frozen: bool) as this =
    inherit Module()
    let norm name channels =
        let m, f = Norm2d.Create(channels, frozen)
        this.RegisterModule(name, m) |> ignore
        f
    let conv1 = this.RegisterModule("conv1", new Conv2d(inplanes, planes, 3, stride, dilation, dilation, false))
    let bn1 = norm "bn1" planes
    let conv2 = this.RegisterModule("conv2", new Conv2d(planes, planes, 3, 1, dilation, dilation, false))
    let bn2 = norm "bn2" planes
    let down = if downsample then Some(this.RegisterModule("downsample", new DownsampleBranch(inplanes, planes, stride, frozen))) else None
    member _.Forward(x: Tensor) =
        use scope = DisposeScope.Enter()     // temporaries freed at once (autograd keeps what it saved itself)
        let out = Functional.Relu(bn1 (conv1.Forward x))
        let out = bn2 (conv2.Forward out)
        let identity = match down with Some d -> d.Forward x | None -> x
        scope.MoveOut(Functional.Relu(out + identity))

/// torchvision Bottleneck (ResNet-50/101): 1x1, 3x3 (stride, dilation), 1x1 x4.
type Bottleneck(inplanes: int, planes: int, stride: int, dilation: int, downsample: bool, frozen: bool) as this =
    inherit Module()
    let width = planes
    let norm name channels =
        let m, f = Norm2d.Create(channels, frozen)
        this.RegisterModule(name, m) |> ignore
        f
    let conv1 = this.RegisterModule("conv1", new Conv2d(inplanes, width, 1, 1, 0, 1, false))
    let bn1 = norm "bn1" width
    let conv2 = this.RegisterModule("conv2", new Conv2d(width, width, 3, stride, dilation, dilation, false))
    let bn2 = norm "bn2" width
    let conv3 = this.RegisterModule("conv3", new Conv2d(width, planes * 4, 1, 1, 0, 1, false))
    let bn3 = norm "bn3" (planes * 4)
    let down = if downsample then Some(this.RegisterModule("downsample", new DownsampleBranch(inplanes, planes * 4, stride, frozen))) else None
    member _.Forward(x: Tensor) =
        use scope = DisposeScope.Enter()     // temporaries freed at once (autograd keeps what it saved itself)
        let out = Functional.Relu(bn1 (conv1.Forward x))
        let out = Functional.Relu(bn2 (conv2.Forward out))
        let out = bn3 (conv3.Forward out)
        let identity = match down with Some d -> d.Forward x | None -> x
        scope.MoveOut(Functional.Relu(out + identity))

/// The ResNet body without pooling and fc (DETR's IntermediateLayerGetter), returning the requested stages.
/// Stages after `lastStage` (2..5 for c2..c5) are not built: `returns = [c4]` has no layer4. `width` is the
/// stem's channels (torchvision: 64), doubled per stage; a smaller width scales the network down.
type ResNetBody(depth: int, width: int, dilation: bool, frozen: bool, lastStage: int) as this =
    inherit Module()
    let bottleneck = depth >= 50
    let blocks =
        match depth with
        | 18 -> [ 2; 2; 2; 2 ]
        | 34 | 50 -> [ 3; 4; 6; 3 ]
        | 101 -> [ 3; 4; 23; 3 ]
        | d -> invalidArg "depth" (sprintf "no ResNet-%d" d)
    let expansion = if bottleneck then 4 else 1
    let conv1 = this.RegisterModule("conv1", new Conv2d(3, width, 7, 2, 3, 1, false))
    let bn1 =
        let m, f = Norm2d.Create(width, frozen)
        this.RegisterModule("bn1", m) |> ignore
        f
    let mutable inplanes = width
    let mutable currentDilation = 1
    let layers =
        [ for stage in 0 .. lastStage - 2 do
            let planes = width * pown 2 stage
            let dilate = dilation && stage = 3
            let mutable stride = if stage = 0 then 1 else 2
            let previousDilation = currentDilation
            if dilate then
                currentDilation <- currentDilation * stride
                stride <- 1
            let outC = planes * expansion
            let blockList =
                [ for b in 0 .. blocks.[stage] - 1 ->
                    let s, d, i = (if b = 0 then stride, previousDilation, inplanes else 1, currentDilation, outC)
                    let needsDown = b = 0 && (stride <> 1 || inplanes <> outC)
                    if bottleneck then new Bottleneck(i, planes, s, d, needsDown, frozen) :> Module
                    else new BasicBlock(i, planes, s, d, needsDown, frozen) :> Module ]
            inplanes <- outC
            yield this.RegisterModule(sprintf "layer%d" (stage + 1), new ModuleList<Module>(blockList)) ]
    let forwardBlock (m: Module) (x: Tensor) =
        match m with
        | :? Bottleneck as b -> b.Forward x
        | :? BasicBlock as b -> b.Forward x
        | _ -> failwith "unknown block"

    /// Channels of stages c2..c5.
    member _.Channels = [ 1; 2; 4; 8 ] |> List.map (fun m -> m * width * expansion)

    /// images [B, 3, H, W] -> the stages c2..c5 listed in `returns` (names "c2".."c5"), in order.
    /// Each block's input is freed as soon as the next block's output exists, unless it is a returned stage:
    /// at 800x1333 keeping them all would hold ~5 GB.
    member _.Forward(images: Tensor, returns: string list) =
        let mutable x =
            use scope = DisposeScope.Enter()
            scope.MoveOut(Functional.MaxPool2d(Functional.Relu(bn1 (conv1.Forward images)), 3, 2, 1))
        let mutable returned = false
        [ for stage in 0 .. layers.Length - 1 do
            for block in layers.[stage] do
                let next = forwardBlock block x
                if not returned then x.Dispose()
                returned <- false
                x <- next
            let name = sprintf "c%d" (stage + 2)
            if List.contains name returns then
                returned <- true
                yield name, x ]

    /// Stops gradients to every stage but the last `trainable` (stages: stem, layer1..layer4), as DETR's
    /// backbone does with lr_backbone > 0 (layer2..4 trained: 3).
    member this.Freeze(trainable: int) =
        let stageOf (name: string) =
            if name.StartsWith "layer" then int (name.Substring(5, 1)) else 0
        for name, p in this.NamedParameters() do
            if 4 - stageOf name >= trainable then p.RequiresGrad <- false
