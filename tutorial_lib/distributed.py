"""Several processes at once: training and the table under torchrun.

torchrun starts N copies of one command and tells each who it is in the environment:
RANK (0 .. N-1; rank 0 is the main process, the only one that prints and writes
files), WORLD_SIZE (N), LOCAL_RANK (its number on this machine: which GPU it takes),
MASTER_ADDR and MASTER_PORT (where the copies meet). `process_group` joins them into
one group that can sum tensors across processes (all-reduce): NCCL between GPUs,
gloo on CPUs. A command run without torchrun is a world of one: every helper here
then answers as for one process and talks to no one.

    torchrun --standalone --nproc_per_node 2 -m tutorial_lib -- train --data faces.pt
    torchrun --standalone --nproc_per_node 2 -m tutorial_lib -- table --n 64

The ``--`` ends torchrun's own options (without it, torchrun takes ``--n`` for an
abbreviation of its ``--nnodes`` or ``--nproc_per_node`` and stops); torchrun drops it
before the command sees the rest (and ``python -m tutorial_lib -- table`` works too).

Training (tutorial_lib.train) wraps G and D in DistributedDataParallel (DDP): each
process computes the gradient of its share of the global batch, and DDP averages the
gradients, so every process takes the same optimizer step. `GlobalBatchNorm2d` makes
batch norm use the statistics of the whole global batch, so that N processes take the
step one process would (up to the order of float sums). The table
(tutorial_lib.table) gives each process a block of whole batches and gathers the rows.

Used by ``python -m tutorial_lib train`` and ``table``; no notebook runs it (a notebook
is one process). It imports nothing from the rest of the package.
"""

from __future__ import annotations

import copy
import os
from contextlib import contextmanager
from inspect import signature
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn


def launched() -> bool:
    """Was this process started by torchrun (its environment names a rank)?"""
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def rank() -> int:
    """This process's number, 0 .. world_size() - 1; 0 without a process group."""
    return dist.get_rank() if dist.is_initialized() else 0


def world_size() -> int:
    """How many processes share the work; 1 without a process group.

    >>> rank(), world_size(), is_main()  # a plain python process: a world of one
    (0, 1, True)
    """
    return dist.get_world_size() if dist.is_initialized() else 1


def is_main() -> bool:
    """Is this the process that prints and writes files (rank 0)?"""
    return rank() == 0


def local_device(device) -> torch.device:
    """``device`` for this process: under torchrun a CUDA device without an index
    becomes cuda:LOCAL_RANK (one GPU per process); anything else is kept.

    >>> local_device("cpu")
    device(type='cpu')
    """
    device = torch.device(device)
    if device.type == "cuda" and device.index is None and launched():
        return torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    return device


@contextmanager
def process_group(device):
    """Under torchrun, join the other processes for the ``with`` block: NCCL when
    ``device`` is a GPU, gloo otherwise; leave the group at the end. Without
    torchrun, nothing."""
    if not launched() or dist.is_initialized():
        yield
        return
    device = local_device(device)
    if device.type == "cuda":
        torch.cuda.set_device(device)  # NCCL and the object gathers use this GPU
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    try:
        yield
        dist.barrier()  # nobody leaves while another may still need the group
    finally:
        dist.destroy_process_group()


def command_words() -> list[str]:
    """How this command was started, for the records it writes.

    >>> command_words() if not launched() else None
    ['python', '-m', 'tutorial_lib']
    """
    if not launched():
        return ["python", "-m", "tutorial_lib"]
    per_node = os.environ.get("LOCAL_WORLD_SIZE", os.environ["WORLD_SIZE"])
    return ["torchrun", "--nproc_per_node", per_node, "-m", "tutorial_lib", "--"]


# --- splitting the work ---------------------------------------------------------------


def shard(items):
    """This process's share of ``items``: every N-th one from its rank, the split of
    torch's DistributedSampler. Rank r of N gets items r, r + N, r + 2N, ...

    >>> shard(list(range(6)))  # one process: all of them
    [0, 1, 2, 3, 4, 5]
    """
    return items[rank() :: world_size()]


def block(n: int) -> range:
    """This process's block of ``range(n)``: consecutive numbers, the blocks in rank
    order, their sizes differing by at most one (n = 5 over 2: 0-1 and 2-4).

    >>> block(5)  # one process: all of them
    range(0, 5)
    """
    r, N = rank(), world_size()
    return range(n * r // N, n * (r + 1) // N)


# --- talking to the other processes ---------------------------------------------------


def all_gather(obj) -> list:
    """Every process's ``obj`` (any picklable value), in rank order, on every process.

    >>> all_gather({"rows": 3})
    [{'rows': 3}]
    """
    if world_size() == 1:
        return [obj]
    gathered = [None] * world_size()
    dist.all_gather_object(gathered, obj)
    return gathered


def on_main(fn, *args):
    """``fn(*args)`` run by the main process alone (it may read and write files);
    every process returns its result, or raises its error, so none waits forever for
    a main process that has stopped.

    >>> on_main(sum, [1, 2])
    3
    """
    if world_size() == 1:
        return fn(*args)
    outcome = [(None, None)]
    if is_main():
        try:
            outcome = [(fn(*args), None)]
        except (Exception, SystemExit) as error:  # sys.exit("error: ...") too
            outcome = [(None, error)]
    dist.broadcast_object_list(outcome, src=0)
    result, error = outcome[0]
    if isinstance(error, SystemExit) and not is_main():
        raise SystemExit(1)  # the main process has printed why: once is enough
    if error is not None:
        raise error
    return result


def found_everywhere(path) -> bool:
    """Whether ``path`` exists, answered alike on every process: True where all of
    them find it, False where none does. Where only some do, a FileNotFoundError on
    every process that names the others: alone, those would fail and the rest would
    wait for them forever (or, for a checkpoint, start afresh while the rest resume).

    >>> found_everywhere("no/such/file.pt")
    False
    """
    found = all_gather(Path(path).exists())
    if any(found) and not all(found):
        missing = [r for r, ok in enumerate(found) if not ok]
        raise FileNotFoundError(
            f"{path} is found by process(es) "
            f"{[r for r, ok in enumerate(found) if ok]} but not by {missing} of "
            f"{len(found)}: every process reads it, so put it where all of them see it"
        )
    return found[0]


class _SumOverProcesses(torch.autograd.Function):
    """s = sum over processes of x, with its gradient: every process's x feeds every
    process's s, so the gradient of x is the sum of all the processes' gradients of s.
    """

    @staticmethod
    def forward(ctx, x):
        s = x.clone()
        dist.all_reduce(s)
        return s

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        dist.all_reduce(grad)
        return grad


def sum_over_processes(x: torch.Tensor) -> torch.Tensor:
    """The sum of ``x`` over the processes (differentiable); ``x`` itself alone.

    >>> sum_over_processes(torch.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    return _SumOverProcesses.apply(x) if world_size() > 1 else x


# --- batch norm over the global batch -------------------------------------------------


class GlobalBatchNorm2d(nn.BatchNorm2d):
    """Batch norm whose batch is the global one: the mean and variance per channel over
    the images of every process, in training mode (eval mode: the running statistics).

        count = sum_r n_r H W,  mean = sum_r sum x / count,
        var = sum_r sum (x - mean)^2 / count            (two passes: exact in floats)
        y = (x - mean) / sqrt(var + eps) * weight + bias
    and the running statistics move as nn.BatchNorm2d's, with the unbiased variance
    var count / (count - 1). The sums are `sum_over_processes`, so the gradient flows
    through every process's images as in one process's batch.

    torch's nn.SyncBatchNorm computes the same but runs on GPUs only; this one runs on
    CPUs (gloo) too, so the same code is tested where there is no GPU. One process:
    nn.BatchNorm2d itself.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and world_size() > 1):
            return super().forward(x)
        # (B, C, H, W); statistics in float32 at least, as batch norm's
        xf = x.to(torch.promote_types(x.dtype, torch.float32))
        local_count = xf.new_tensor([xf.numel() / xf.shape[1]])
        sums = sum_over_processes(torch.cat([xf.sum((0, 2, 3)), local_count]))
        count = sums[-1]
        mean = sums[:-1] / count  # (C,)
        centred = xf - mean[:, None, None]
        var = sum_over_processes((centred * centred).sum((0, 2, 3))) / count
        self._update_running_stats(mean.detach(), var.detach(), count.item())
        y = centred * torch.rsqrt(var + self.eps)[:, None, None]
        if self.affine:
            y = y * self.weight[:, None, None] + self.bias[:, None, None]
        return y.to(x.dtype)

    @torch.no_grad()
    def _update_running_stats(self, mean, var, count: float) -> None:
        if not self.track_running_stats:
            return
        self.num_batches_tracked.add_(1)
        momentum = self.momentum
        if momentum is None:  # a plain average over the batches seen
            momentum = 1.0 / self.num_batches_tracked.item()
        self.running_mean.lerp_(mean, momentum)
        self.running_var.lerp_(var * count / (count - 1), momentum)


def with_global_batch_norm(net: nn.Module) -> nn.Module:
    """A second view of ``net`` whose nn.BatchNorm2d layers are `GlobalBatchNorm2d`:
    new modules holding the very same parameters and buffers, so training one trains
    the other, and ``net`` itself keeps ordinary batch norm (what the main process
    measures and saves alone, without waiting for anyone).

    >>> net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    >>> view = with_global_batch_norm(net)
    >>> type(view[1]).__name__, view[1].weight is net[1].weight
    ('GlobalBatchNorm2d', True)
    """
    if type(net) is nn.BatchNorm2d:
        return _global_view(net)
    # deepcopy with every tensor already in its memo copies the modules, not the tensors
    shared = {id(t): t for t in [*net.parameters(), *net.buffers()]}
    view = copy.deepcopy(net, memo=shared)
    for module in list(view.modules()):
        for name, child in list(module.named_children()):
            if type(child) is nn.BatchNorm2d:
                setattr(module, name, _global_view(child))
    return view


def _global_view(norm: nn.BatchNorm2d) -> GlobalBatchNorm2d:
    """A GlobalBatchNorm2d with the settings, parameters and buffers of ``norm``."""
    view = GlobalBatchNorm2d(
        norm.num_features, norm.eps, norm.momentum, norm.affine,
        norm.track_running_stats,
    )  # fmt: skip
    view.weight, view.bias = norm.weight, norm.bias
    for name, tensor in norm.named_buffers():
        setattr(view, name, tensor)
    return view.train(norm.training)


def data_parallel(net: nn.Module, device) -> nn.Module:
    """``net`` ready to be trained by every process: for one process ``net`` itself;
    else its `with_global_batch_norm` view in DistributedDataParallel, which averages
    the gradients over the processes during each backward.

    broadcast_buffers=False: by default DDP copies rank 0's buffers (batch norm's
    running statistics) to every process before each forward. D runs forward twice
    per step (real faces, then fakes) before one backward, so the second copy
    overwrites, in place, statistics the first forward used: on GPUs, where cuDNN's
    batch norm keeps them for its backward, autograd stops with "modified by an
    inplace operation" (pytorch/pytorch#175024); on CPUs (torch 2.13) it runs, and
    every process silently keeps rank 0's statistics. Nothing needs copying here:
    `GlobalBatchNorm2d` gives every process the same statistics. (torch 2.13 renames
    the option forward_sync_buffers; it keeps one copy at the start, a harmless one.)
    """
    if world_size() == 1:
        return net
    from torch.nn.parallel import DistributedDataParallel

    device = torch.device(device)
    renamed = "forward_sync_buffers" in signature(DistributedDataParallel).parameters
    return DistributedDataParallel(
        with_global_batch_norm(net),
        device_ids=[device.index] if device.type == "cuda" else None,
        **{"forward_sync_buffers" if renamed else "broadcast_buffers": False},
    )
