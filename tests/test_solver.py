"""restore(): known answers, the objective's terms, restarts, seeds, batches, errors."""

import pytest
import torch
from torch import nn

import tutorial_lib as tl
from conftest import LinearGenerator, ZeroDiscriminator, randn
from tutorial_lib import precision as precision_module
from tutorial_lib.precision import bf16_is_fast
from tutorial_lib.solver import data_term, objective_terms


@pytest.mark.parametrize("name", ["super_resolution", "colorization", "denoising"])
def test_linear_generator_gives_the_least_squares_answer(linear_gan, name):
    """With G(z) = 0.5 + W z, p = 2 and lam = 0, argmin_z ||A G(z) - y||^2 is lstsq."""
    G, D = linear_gan
    op = tl.make_operator(name)
    z_true = randn(1, 8, seed=1)
    noise = 0.01 * torch.randn(
        op.A(G(z_true)).shape, generator=torch.Generator().manual_seed(2)
    )
    y = (op.A(G(z_true)) + noise).clamp(0, 1)
    # the same problem as an explicit matrix: A(0.5 + W z) = A(0.5) + (A W) z
    AW = torch.stack(
        [op.A(G.W[:, k].view(1, 3, 64, 64)).flatten() for k in range(8)], 1
    )
    rhs = (y - op.A(torch.full((1, 3, 64, 64), 0.5))).flatten()
    z_lstsq = torch.linalg.lstsq(AW.double(), rhs.double()[:, None]).solution.T.float()
    r = tl.restore(
        y,
        op,
        G,
        D,
        lam=0,
        p=2,
        steps=400,
        lr=0.05,
        restarts=1,
        blend=False,
        init="random",
    )
    assert torch.allclose(r.z, z_lstsq, atol=1e-3), (r.z - z_lstsq).abs().max()


@pytest.mark.parametrize("name", tl.TASKS)
def test_recovers_a_generated_face(dcgan, name):
    """y = A(G(z*)): restore finds an image within 30 dB of G(z*); the data term collapses."""
    G, D = dcgan
    op = tl.make_operator(name)
    x_true = G(randn(2, 100, seed=7))
    y = op.A(x_true)  # no noise: an exact answer exists
    r = tl.restore(y, op, G, D, lam=0, p=2, steps=300, lr=0.05, restarts=2, blend=False)
    data = r.history["data"]
    assert torch.all(data[-1] < 1e-3 * data[0]), data[[0, -1]]
    if name in ("inpainting", "denoising", "quantization"):  # A keeps enough to pin x
        assert torch.all(tl.psnr(r.x_hat, x_true) >= 30), tl.psnr(r.x_hat, x_true)
    start = G(
        randn(2, 100, seed=0)
    )  # a random face is far: the 30 dB bar means something
    assert torch.all(tl.psnr(start, x_true) < 25)


def test_history_holds_each_term_and_the_total(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(G(randn(2, 100, seed=3)).clamp(0, 1))
    r = tl.restore(y, op, G, D, lam=0.5, p=1, steps=5, restarts=2)
    h = r.history
    assert set(h) == {"data", "prior_D", "prior_z", "total"}
    assert all(v.shape == (6, 2) for v in h.values())  # steps + 1 evaluations
    assert torch.allclose(h["total"], h["data"] + 0.5 * (h["prior_D"] + h["prior_z"]))
    assert torch.allclose(h["total"][-1], r.objective)
    assert torch.allclose(h["prior_z"][-1], 0.5 * (r.z**2).sum(1))
    assert torch.allclose(h["prior_D"][-1], -D(r.x_gan), atol=1e-5)


def test_the_restart_with_the_lowest_objective_is_kept(dcgan64):
    """Three starts for each of two faces, run together, give what each face's best
    start gives alone. The best starts sit at different restarts (2 and 1), so taking
    another face's row, or the same restart for every face, shows."""
    G, D = dcgan64
    op = tl.make_operator("super_resolution")
    z_true = randn(2, 100, seed=5)
    y = op.A(G(z_true.double()))
    starts = randn(2, 3, 100, seed=6)
    starts[0, 2] = z_true[0] + 0.1 * randn(100, seed=7)  # near face 0's truth
    starts[1, 1] = z_true[1] + 0.1 * randn(100, seed=8)  # near face 1's truth
    both = tl.restore(y, op, G, D, steps=10, restarts=3, z_init=starts)
    alone = [
        [
            tl.restore(
                y[n : n + 1],
                op,
                G,
                D,
                steps=10,
                restarts=1,
                z_init=starts[n : n + 1, i],
            )
            for i in range(3)
        ]
        for n in range(2)
    ]
    objectives = torch.stack([torch.cat([r.objective for r in row]) for row in alone])
    assert torch.all(objectives.max(1).values > objectives.min(1).values + 1e-3)
    best = objectives.argmin(dim=1).tolist()
    assert best == [2, 1]  # different restarts for the two faces
    for n in range(2):
        kept = alone[n][best[n]]
        assert torch.allclose(both.objective[n], kept.objective[0], rtol=1e-9)
        assert torch.allclose(both.z[n], kept.z[0], atol=1e-9)
        assert torch.allclose(both.x_gan[n], kept.x_gan[0], atol=1e-9)
        assert torch.allclose(
            both.history["total"][:, n], kept.history["total"][:, 0], rtol=1e-9
        )


def test_same_seed_same_result_other_seed_other_result(dcgan):
    G, D = dcgan
    op = tl.make_operator("colorization")
    y = op.A(G(randn(2, 100, seed=9)))
    start = dict(steps=10, restarts=2, init="random")  # the seed draws random starts
    a, b = (tl.restore(y, op, G, D, seed=1, **start) for _ in range(2))
    c = tl.restore(y, op, G, D, seed=2, **start)
    assert torch.equal(a.x_hat, b.x_hat) and torch.equal(a.z, b.z)
    assert not torch.allclose(a.z, c.z)


def test_a_face_does_not_depend_on_its_batch_mates(dcgan64):
    G, D = dcgan64
    op = tl.make_operator("inpainting")
    y = op.A(G(randn(3, 100, seed=11).double()))
    ab = tl.restore(y[[0, 1]], op, G, D, steps=15, restarts=2)
    ac = tl.restore(y[[0, 2]], op, G, D, steps=15, restarts=2)
    assert torch.allclose(ab.x_hat[0], ac.x_hat[0], atol=1e-9)
    assert torch.allclose(ab.z[0], ac.z[0], atol=1e-9)
    assert not torch.allclose(ab.x_hat[1], ac.x_hat[1], atol=1e-3)


def test_clip_keeps_z_in_the_box(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.A(G(randn(1, 100, seed=4)))
    r = tl.restore(y, op, G, D, steps=10, restarts=1, clip=0.5)
    assert r.z.abs().max() <= 0.5


def test_inpainting_blend_keeps_the_known_pixels(dcgan):
    G, D = dcgan
    op = tl.make_operator("inpainting")
    x = G(randn(1, 100, seed=6)).clamp(0, 1)
    y = op.corrupt(x)
    r = tl.restore(y, op, G, D, steps=5, restarts=1, blend=True)
    known = op.mask(y).expand_as(y).bool()
    assert torch.allclose(r.x_hat[known], y[known], atol=1e-6)
    assert not torch.allclose(r.x_gan[known], y[known], atol=1e-3)


def test_callback_sees_the_current_best_images(dcgan):
    """Face 0 starts badly at restart 0 and from its truth at restart 1, face 1 the
    other way round: the callback must show each face's best restart, not restart 0."""
    G, D = dcgan
    op = tl.make_operator("denoising")
    z_true = randn(2, 100, seed=8)
    y = op.A(G(z_true))
    bad = 3 * randn(2, 100, seed=9)  # far from both faces
    starts = torch.stack(
        [torch.stack([bad[0], z_true[0]]), torch.stack([z_true[1], bad[1]])]
    )  # (N, k, nz) = (2, 2, 100)
    calls = []
    r = tl.restore(
        y,
        op,
        G,
        D,
        steps=20,
        restarts=2,
        z_init=starts,
        callback_every=10,
        callback=lambda step, x: calls.append((step, x.clone())),
    )
    assert [(step, tuple(x.shape)) for step, x in calls] == [
        (0, (2, 3, 64, 64)),
        (10, (2, 3, 64, 64)),
        (20, (2, 3, 64, 64)),
    ]
    assert torch.allclose(calls[0][1], y, atol=1e-5)  # at step 0 the truths are best
    final = calls[-1][1]
    assert torch.equal(final, r.x_gan)  # the kept restart's G(z), at the end
    restart0 = tl.restore(y[:1], op, G, D, steps=20, restarts=1, z_init=bad[:1])
    assert restart0.objective[0] > r.objective[0] + 1  # restart 0 is not face 0's best
    assert (final[0] - restart0.x_gan[0]).abs().max() > 0.1


def test_warm_start_continues_from_z_init(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.A(G(randn(1, 100, seed=12)))
    first = tl.restore(y, op, G, D, lam=0, steps=100, restarts=1)
    warm = tl.restore(y, op, G, D, lam=0, steps=1, restarts=1, z_init=first.z)
    assert warm.history["data"][0, 0] == pytest.approx(
        first.objective[0].item(), rel=1e-4
    )


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cpu_and_cuda_agree(dcgan):
    G, D = dcgan
    op = tl.make_operator("super_resolution")
    y = op.A(G(randn(2, 100, seed=13)))
    cpu = tl.restore(y, op, G, D, steps=50, restarts=2)
    G.cuda(), D.cuda()
    try:
        gpu = tl.restore(y.cuda(), op, G, D, steps=50, restarts=2)
    finally:
        G.cpu(), D.cpu()
    # float32 convolutions differ in rounding (and cuDNN may use TF32): close, not equal
    assert (tl.psnr(gpu.x_hat.cpu(), cpu.x_hat) > 35).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lam=-1), "lam must be >= 0, got -1"),
        (dict(p=0), "p must be > 0, got 0"),
        (dict(steps=0), "steps and restarts must be >= 1, got 0"),
        (dict(restarts=0), r"steps and restarts must be >= 1, got \d+, 0"),
        (dict(lr=0), "lr must be > 0"),
    ],
)
def test_bad_hyperparameters(dcgan, kwargs, message):
    G, D = dcgan
    op = tl.make_operator("denoising")
    with pytest.raises(ValueError, match=message):
        tl.restore(torch.rand(1, 3, 64, 64), op, G, D, **kwargs)


def test_bad_observations(dcgan):
    G, D = dcgan
    sr = tl.make_operator("super_resolution")
    with pytest.raises(
        ValueError, match=r"y must have shape \(N, 3, 16, 16\) for super_res"
    ):
        tl.restore(torch.rand(1, 3, 64, 64), sr, G, D)
    with pytest.raises(ValueError, match=r"C = 1, got \(1, 3, 64, 64\)"):
        tl.restore(torch.rand(1, 3, 64, 64), tl.make_operator("colorization"), G, D)
    with pytest.raises(ValueError, match="contains NaN"):
        tl.restore(torch.full((1, 3, 16, 16), float("nan")), sr, G, D)
    with pytest.raises(ValueError, match="blend=True but denoising has no blending"):
        tl.restore(
            torch.rand(1, 3, 64, 64), tl.make_operator("denoising"), G, D, blend=True
        )
    with pytest.raises(ValueError, match=r"z_init must be \(N, nz\) or \(N, k, nz\)"):
        tl.restore(
            torch.rand(1, 3, 64, 64),
            tl.make_operator("denoising"),
            G,
            D,
            restarts=2,
            z_init=torch.zeros(1, 3, 100),
        )
    with pytest.raises(ValueError, match="op must be an Operator"):
        tl.restore(torch.rand(1, 3, 64, 64), "denoising", G, D)


def test_networks_on_another_device_than_y_are_refused(linear_gan):
    """The meta device stands in for a GPU: parameters with no data, on another device."""
    G, D = linear_gan
    op = tl.make_operator("denoising")
    y = torch.rand(1, 3, 64, 64)
    G_meta = LinearGenerator().to("meta")
    D_meta = nn.Linear(1, 1).to("meta")
    tl.freeze(G_meta, D_meta)
    with pytest.raises(ValueError, match="G is on meta but y is on cpu"):
        tl.restore(y, op, G_meta, D)
    with pytest.raises(ValueError, match="D is on meta but y is on cpu"):
        tl.restore(y, op, G, D_meta)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_networks_on_cuda_and_y_on_the_cpu_are_refused():
    G, D = LinearGenerator().cuda(), ZeroDiscriminator()
    tl.freeze(G, D)
    with pytest.raises(ValueError, match=r"G is on cuda:0 but y is on cpu"):
        tl.restore(torch.rand(1, 3, 64, 64), tl.make_operator("denoising"), G, D)


def test_weighted_data_term_known_values():
    """sum_i w_i (r_i^2 + eps^2)^(p/2): the weights count per entry, before the sum."""
    residual = torch.tensor(
        [[[[3.0, 4.0]]], [[[0.0, 0.0]]]]
    )  # (N, C, H, W) = (2,1,1,2)
    weights = torch.tensor([[[[1.0, 0.5]]]])  # one map for the whole batch
    assert data_term(residual, 1.0).tolist()[0] == pytest.approx(7.0)
    weighted = data_term(residual, 1.0, weights)
    assert weighted.shape == (2,)
    assert weighted[0].item() == pytest.approx(3.0 + 0.5 * 4.0)
    assert weighted[1].item() == pytest.approx(1.5 * 1e-4, rel=1e-3)  # eps per entry
    assert data_term(residual, 2.0, weights)[0].item() == pytest.approx(9.0 + 8.0)
    assert data_term(residual, 2.0, torch.zeros(1, 1, 1, 2)).tolist() == [0.0, 0.0]


def test_restore_uses_the_operators_data_weights(linear_gan):
    """Weighted inpainting gives pixel (0, 0), far from the hole, weight 0: an error
    there costs 3 x 0.3^2 = 0.27 in the plain data term and nothing in the weighted."""
    G, D = linear_gan
    z0 = randn(1, 8, seed=3)
    plain_op = tl.make_operator("inpainting")
    weighted_op = tl.make_operator("inpainting", weighted=True)
    y = plain_op.A(G(z0))
    y[..., 0, 0] += 0.3
    common = dict(lam=0, p=2, steps=1, restarts=1, z_init=z0)
    plain = tl.restore(y, plain_op, G, D, **common).history["data"][0, 0]
    weighted = tl.restore(y, weighted_op, G, D, **common).history["data"][0, 0]
    assert plain.item() == pytest.approx(0.27 + 3 * 64 * 64 * 1e-8, rel=1e-4)
    assert weighted.item() < 1e-4


def test_training_mode_is_refused(dcgan):
    G, D = dcgan
    G.train()
    try:
        with pytest.raises(ValueError, match="G is in training mode"):
            tl.restore(torch.rand(1, 3, 64, 64), tl.make_operator("denoising"), G, D)
    finally:
        G.eval()


def test_without_D_the_prior_is_the_latent_term_alone(dcgan):
    """use_D=False equals a discriminator that scores every image 0, and D is not called."""
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(G(randn(2, 100, seed=4)).clamp(0, 1))
    calls = []
    hook = D.register_forward_hook(lambda *args: calls.append(1))
    ablated = tl.restore(y, op, G, D, lam=0.5, steps=5, restarts=2, use_D=False)
    hook.remove()
    zero = tl.restore(
        y, op, G, ZeroDiscriminator().eval(), lam=0.5, steps=5, restarts=2
    )
    full = tl.restore(y, op, G, D, lam=0.5, steps=5, restarts=2)
    assert calls == []
    assert ablated.settings.use_D is False
    assert torch.equal(ablated.z, zero.z)
    assert torch.all(ablated.history["prior_D"] == 0)
    assert not torch.allclose(ablated.z, full.z)


def test_lambda_zero_never_calls_D(dcgan):
    """With lam = 0 the prior weighs nothing: D is skipped, and the result is the data
    term's minimiser, the same as with a D that scores every image 0."""
    G, D = dcgan
    op = tl.make_operator("inpainting")
    y = op.corrupt(G(randn(2, 100, seed=5)).clamp(0, 1))
    calls = []
    hook = D.register_forward_hook(lambda *args: calls.append(1))
    skipped = tl.restore(y, op, G, D, lam=0.0, steps=5, restarts=2)
    hook.remove()
    zero = tl.restore(
        y, op, G, ZeroDiscriminator().eval(), lam=0.0, steps=5, restarts=2
    )
    assert calls == []
    assert skipped.settings.use_D is True  # what was asked is recorded unchanged
    assert torch.equal(skipped.z, zero.z)
    assert torch.all(skipped.history["prior_D"] == 0)


def test_settings_hold_everything_and_reproduce_the_run(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(G(randn(2, 100, seed=5)).clamp(0, 1))
    r = tl.restore(
        y, op, G, D, lam=0.3, steps=3, restarts=2, seed=5, clip=1.0, init="random"
    )
    assert (r.settings.seed, r.settings.clip, r.settings.lam) == (5, 1.0, 0.3)
    assert r.z.abs().max() <= 1.0  # the clip ran
    again = tl.restore(y, op, G, D, r.settings)
    assert torch.equal(again.x_hat, r.x_hat) and again.settings == r.settings
    other_seed = tl.restore(y, op, G, D, r.settings, seed=6)
    assert not torch.equal(other_seed.z, r.z)
    base = tl.restore(y, op, G, D, tl.Settings(lam=0.3, steps=3, clip=1.0, seed=5))
    assert torch.equal(base.x_hat, r.x_hat)  # a Settings and keywords are one interface


def test_unknown_or_bad_settings_say_what_is_allowed(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = torch.rand(1, 3, 64, 64)
    with pytest.raises(
        ValueError, match=r"unknown setting\(s\) lamda; expected some of lam, p"
    ):
        tl.restore(y, op, G, D, lamda=1.0)
    with pytest.raises(ValueError, match="settings must be a Settings, got dict"):
        tl.restore(y, op, G, D, {"lam": 1.0})
    with pytest.raises(ValueError, match="clip must be > 0 or None, got -1"):
        tl.restore(y, op, G, D, clip=-1)


def test_precision_is_resolved_recorded_and_checked(dcgan, monkeypatch):
    """auto keeps float32 below BF16_MIN_BATCH images, bf16 from there on where the
    hardware runs it fast; the resolved name goes into r.settings."""
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(G(randn(2, 100, seed=5)).clamp(0, 1))
    monkeypatch.setattr(precision_module, "BF16_MIN_BATCH", 3)
    small = tl.restore(y, op, G, D, steps=2, restarts=1)
    assert small.settings.precision == "fp32"  # 2 images: below the threshold
    two_starts = tl.restore(y, op, G, D, steps=2, restarts=2)  # 4 rows in each pass
    assert two_starts.settings.precision == ("bf16" if bf16_is_fast("cpu") else "fp32")
    forced = tl.restore(y, op, G, D, steps=2, restarts=1, precision="bf16")
    assert forced.settings.precision == "bf16"
    assert (
        forced.x_hat.dtype == torch.float32 and forced.objective.dtype == torch.float32
    )
    assert torch.equal(tl.restore(y, op, G, D, forced.settings).x_hat, forced.x_hat)
    with pytest.raises(ValueError, match="precision must be one of auto, fp32, bf16"):
        tl.restore(y, op, G, D, precision="fp16")


def test_bf16_objective_is_close_to_float32_but_not_equal(dcgan):
    """G and D really run in bfloat16: the terms differ, the data term by under 1%,
    D's log-ratio by a few hundredths of a nat (bf16 keeps 2-3 significant digits)."""
    G, D = dcgan
    op = tl.make_operator("inpainting")
    z = randn(4, 100, seed=8)
    y = op.A(G(randn(4, 100, seed=9)))
    full, _ = objective_terms(z, y, op, G, D, p=1.0, precision="fp32")
    low, _ = objective_terms(z, y, op, G, D, p=1.0, precision="bf16")
    assert not torch.equal(low["data"], full["data"])
    assert not torch.equal(low["prior_D"], full["prior_D"])
    assert ((low["data"] - full["data"]).abs() < 0.01 * full["data"]).all()
    assert ((low["prior_D"] - full["prior_D"]).abs() < 0.05).all()
    assert torch.equal(low["prior_z"], full["prior_z"])  # z itself stays float32


def test_bf16_restores_as_well_as_float32():
    """The shipped GAN restores the same faces both ways: mean PSNR within 0.05 dB (a
    small case of what ``benchmarks/tune.py --grid precision=fp32,bf16`` measures)."""
    G, D = tl.load_pretrained("cpu")
    op = tl.make_operator("super_resolution")
    x = tl.load_sample_faces(16)  # real faces: G(z) faces restore far better than these
    y = op.corrupt(x)
    scores = {
        precision: tl.psnr(
            tl.restore(y, op, G, D, steps=60, restarts=1, precision=precision).x_hat,
            x,
        ).mean()
        for precision in ("fp32", "bf16")
    }
    assert abs(scores["bf16"] - scores["fp32"]) < 0.05, scores


@pytest.mark.parametrize("arm", list(tl.ARMS))
def test_each_arm_computes_exactly_its_terms(dcgan, arm):
    """The total is data + lam (lam_D prior_D + prior_z) with the arm's terms switched
    off where it says so, recomputed here from the recorded terms and from D itself."""
    G, D = dcgan
    op = tl.make_operator("super_resolution")
    y = op.corrupt(G(randn(3, 100, seed=8)).clamp(0, 1))
    given = dict(lam=0.7, lam_D=2.0, steps=4, restarts=2, init="random")
    r = tl.restore(y, op, G, D, **(given | tl.ARMS[arm]))
    h, s = r.history, r.settings
    uses_D, uses_z = arm in ("paper", "authors"), arm in ("data", "csgm", "paper")
    assert (
        torch.all(h["prior_D"] != 0) == uses_D
        and torch.all(h["prior_D"] == 0) != uses_D
    )
    assert (
        torch.all(h["prior_z"] > 0) == uses_z and torch.all(h["prior_z"] == 0) != uses_z
    )
    if uses_D:  # the recorded term is -l(G(z_hat)), D's own score of the answer
        assert torch.allclose(h["prior_D"][-1], -D(G(r.z)), atol=1e-5)
    if uses_z:
        assert torch.allclose(h["prior_z"][-1], 0.5 * (r.z**2).sum(1))
    expected = h["data"] + s.lam * (2.0 * h["prior_D"] + h["prior_z"])
    assert torch.allclose(h["total"], expected)
    if arm == "data":
        assert s.lam == 0 and torch.equal(h["total"], h["data"])
    if arm == "authors":
        assert s.clip == 1.0 and r.z.abs().max() <= 1.0


def test_lam_D_weighs_only_D_and_zero_skips_it(dcgan):
    """lam_D = 0 is the latent arm (same z, D never called); lam_D = 3 triples D's
    share of the objective while the latent share keeps its weight lam."""
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = op.corrupt(G(randn(2, 100, seed=9)).clamp(0, 1))
    common = dict(lam=0.5, steps=5, restarts=2, init="random")
    calls = []
    hook = D.register_forward_hook(lambda *args: calls.append(1))
    zero = tl.restore(y, op, G, D, lam_D=0.0, **common)
    hook.remove()
    latent_only = tl.restore(y, op, G, D, use_D=False, **common)
    assert calls == [] and torch.equal(zero.z, latent_only.z)
    three = tl.restore(y, op, G, D, lam_D=3.0, **common)
    h = three.history
    assert torch.allclose(
        h["total"], h["data"] + 0.5 * (3 * h["prior_D"] + h["prior_z"])
    )
    one = tl.restore(y, op, G, D, lam_D=1.0, **common)
    assert not torch.allclose(one.z, three.z)


def test_bad_latent_or_lam_D_say_what_is_allowed(dcgan):
    G, D = dcgan
    op = tl.make_operator("denoising")
    y = torch.rand(1, 3, 64, 64)
    with pytest.raises(
        ValueError, match='latent must be "gauss" or "none", got \'uniform\''
    ):
        tl.restore(y, op, G, D, latent="uniform")
    with pytest.raises(ValueError, match="lam_D must be >= 0, got -1"):
        tl.restore(y, op, G, D, lam_D=-1)
