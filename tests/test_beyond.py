"""ILO and DGP (tutorial_lib.beyond): known answers and properties that can fail."""

import pytest
import torch

import tutorial_lib as tl
from tutorial_lib.beyond import LAYERS, TUNED_BEYOND, restore_dgp, restore_ilo
from tutorial_lib.solver import Restoration


@pytest.fixture(scope="module")
def nets():
    return tl.load_pretrained("cpu")


@pytest.fixture(scope="module")
def case(nets):
    """Two noisy validation faces and a short restore() from random starts (fp32)."""
    G, D = nets
    op = tl.make_operator("denoising")
    y = op.corrupt(tl.load_sample_faces(2, split="valid"), seed=0)
    r = tl.restore(y, op, G, D, steps=5, init="random", restarts=1, precision="fp32")
    return op, y, r


def test_tuned_defaults_are_valid():
    for task, methods in TUNED_BEYOND.items():
        assert task in tl.TASKS
        assert methods["ilo"]["layer"] in LAYERS and methods["dgp"]["layer"] in LAYERS
        assert methods["ilo"]["radius"] >= 0 and methods["dgp"]["steps"] >= 0


@pytest.mark.parametrize("layer", [16, 32])
def test_ilo_radius_zero_is_G_of_z_hat(nets, case, layer):
    G, D = nets
    op, y, r = case
    out = restore_ilo(y, op, G, D, layer=layer, radius=0.0, steps=4, lr=0.1, r=r)
    assert torch.equal(out.x_hat, r.x_hat)
    assert out.history["leash"].abs().max() == 0
    # every iterate is back(h0) = G(z_hat): the same f as restore()'s answer
    total = out.history["total"]
    assert torch.allclose(total[1:], total[0].expand_as(total[1:]), rtol=1e-5)
    assert torch.allclose(G(r.z), r.x_gan, atol=1e-6)


def test_ilo_stays_in_the_ball_and_uses_it(nets, case):
    G, D = nets
    op, y, r = case
    out = restore_ilo(y, op, G, D, layer=16, radius=0.05, steps=6, lr=0.1, r=r)
    leash = out.history["leash"]
    # float32: h0 + d rounds at ~1e-7 of ||h0||, ~1e-5 of ||d|| = 0.05 ||h0||
    assert leash.max() <= 0.05 * (1 + 1e-4)
    assert leash[-1].min() > 0.04  # lr 0.1 pushes h to the edge: the ball binds


def test_more_steps_or_radius_never_raise_the_objective(nets, case):
    G, D = nets
    op, y, r = case
    start = restore_ilo(y, op, G, D, radius=0.0, steps=0, r=r).objective
    few = restore_ilo(y, op, G, D, layer=16, radius=0.2, steps=3, lr=0.01, r=r)
    many = restore_ilo(y, op, G, D, layer=16, radius=0.2, steps=8, lr=0.01, r=r)
    assert (few.objective <= start).all() and (many.objective <= few.objective).all()
    assert (many.objective < start).all()  # and it does lower it
    dgp = restore_dgp(y, op, G, D, layer=16, steps=5, lr=1e-3, r=r)
    assert (dgp.objective < start).all()
    assert torch.equal(dgp.objective, dgp.history["total"].min(dim=0).values)


def test_dgp_zero_steps_is_restore_and_G_is_unchanged(nets, case):
    G, D = nets
    op, y, r = case
    before = {k: v.clone() for k, v in G.state_dict().items()}
    assert torch.equal(restore_dgp(y, op, G, D, steps=0, r=r).x_hat, r.x_hat)
    out = restore_dgp(y, op, G, D, layer=8, steps=3, lr=1e-2, r=r)
    assert out.history["leash"][-1].min() > 0  # the copies did move
    after = G.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert not G.training and not any(p.requires_grad for p in G.parameters())


def test_dgp_weights_are_per_image(nets, case):
    """Image 0 alone gives what it gives beside image 1: no weights are shared."""
    G, D = nets
    op, y, r = case
    both = restore_dgp(y, op, G, D, layer=16, steps=4, lr=1e-3, r=r)
    one = Restoration(
        r.x_hat[:1], r.x_gan[:1], r.z[:1], r.objective[:1], {}, r.settings
    )
    alone = restore_dgp(y[:1], op, G, D, layer=16, steps=4, lr=1e-3, r=one)
    assert torch.allclose(alone.x_hat[0], both.x_hat[0], atol=1e-5)


def test_deterministic(nets, case):
    G, D = nets
    op, y, r = case
    for refine in (restore_ilo, restore_dgp):
        a, b = (refine(y, op, G, D, steps=3, r=r) for _ in range(2))
        assert torch.equal(a.x_hat, b.x_hat)


def test_blends_as_restore_does(nets):
    G, D = nets
    op = tl.make_operator("inpainting")
    y = op.corrupt(tl.load_sample_faces(1, split="valid"), seed=0)
    r = tl.restore(y, op, G, D, steps=2)
    out = restore_ilo(y, op, G, D, radius=0.3, steps=3, lr=0.05, r=r)
    assert r.settings.blend and torch.equal(out.x_hat, op.blend(out.x_gan, y))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda a: restore_ilo(*a, radius=-0.1), "radius must be >= 0"),
        (lambda a: restore_ilo(*a, layer=5), "layer must be one of"),
        (lambda a: restore_dgp(*a, steps=-1), "steps must be an integer >= 0"),
        (lambda a: restore_dgp(*a, lr=0.0), "lr must be > 0"),
        (lambda a: restore_dgp(*a, lam=-1.0), "lam must be >= 0"),
    ],
)
def test_bad_input(nets, case, call, message):
    G, D = nets
    op, y, r = case
    with pytest.raises(ValueError, match=message):
        call((y, op, G, D))


def test_unfrozen_G_is_refused(case):
    op, y, r = case
    G, D = tl.models.make_dcgan(tl.DCGANConfig(ngf=8, ndf=8), seed=0)
    with pytest.raises(ValueError, match="G must be frozen"):
        restore_dgp(y, op, G, D, steps=1, r=r)
