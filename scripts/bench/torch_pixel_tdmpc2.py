#!/usr/bin/env python3
# Foresight — scripts
# Copyright (c) 2026 the Foresight developers. MIT License.
"""A PyTorch TD-MPC2 update and plan from 64x64 RGB pixels, at the shapes of `foresight bench pixels`.

Written for this project from the TD-MPC2 paper and the facts in docs/ (Hansen et al. 2024, "TD-MPC2: Scalable,
Robust World Models for Continuous Control"; the encoder layout of its `common/layers.py`), not copied from it.
PyTorch's own CPU convolutions (oneDNN / its own kernels as shipped) do the convolutions.

Shapes (`--shape`), the same as Foresight's `foresight bench pixels --shape`:
  tdmpc2          TD-MPC2's pixel encoder: Conv(3->32, k7 s2) ReLU Conv(k5 s2) ReLU Conv(k3 s2) ReLU Conv(k3 s1),
                  flatten (512) -> SimNorm; shift augmentation (pad 3); 5M heads (latent 512, mlp 512, 5 Q), action 6,
                  batch 256, horizon 3; MPPI 6 x 512, 64 elites, 24 policy trajectories, horizon 3.
  study-joint     the counting study's defaults (Sources/Study/StudySettings.swift): residual encoder, 16 channels
                  (Conv(3->16, k7 s2) ReLU Conv(16->32, k3 s2) 2 x ResBlock(32) Conv(32->32, k3 s2) ResBlock(32) ReLU),
                  average-pool readout (32) -> NormedLinear(128, Mish) -> NormedLinear(128, SimNorm); latent 128,
                  mlp 128, 2 Q, action 1, batch 32, horizon 1, episodic (termination head on detached latents).
                  Arm joint-reward: every observation encoded with gradients, consistency without stop-gradient, a
                  current-reward head on the encoded and the rolled-out latents; reward and Q heads on detached latents.
                  MPPI 4 x 256, 32 elites, 24 policy trajectories, horizon 1.
  study-reward-q  the same model, arm reward+q: TD-MPC2's routing (stop-gradient consistency targets, reward and Q
                  gradients reach the encoder).
  counting-hold   examples/configs/counting-hold-pixels.json: residual encoder, 16 channels, average pool ->
                  NormedLinear(128, SimNorm); 1M heads (latent 128, mlp 384, 2 Q), episodic (the run configuration's
                  default: a termination head on detached latents); Discrete(3) one-hot actions
                  (TD targets: the best action under the minimum of the target pair), batch 32, horizon 3, TD-MPC2's
                  routing; a categorical planner over 3 steps (4 x 128 samples, 16 elites, 8 policy trajectories,
                  terminal value the best action under the mean of a Q pair).

Allocator: by default the process runs with the glibc malloc settings Foresight applies to itself
(`MemoryTuning.retainFreedMemory`: mmap threshold 32 MiB, trim threshold 1 GiB, top pad 64 MiB), through
GLIBC_TUNABLES (the script re-executes itself with them set); `--allocator shipped` keeps glibc's defaults.

Prints one JSON object (and writes it to --out): median ms of update, act (explore, evaluate), the convolutions alone
(forward + backward on one batch, the conv FLOPs analytic), and the 512^3 torch.mm rate at the same thread count.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", default="tdmpc2", choices=["tdmpc2", "study-joint", "study-reward-q", "counting-hold"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--update-iters", type=int, default=10)
    ap.add_argument("--act-iters", type=int, default=10)
    ap.add_argument("--conv-iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--allocator", choices=["matched", "shipped"], default="matched",
                    help="matched: Foresight's malloc settings via GLIBC_TUNABLES (default); shipped: glibc's defaults")
    ap.add_argument("--out", default=None, help="also write the JSON object to this file")
    return ap.parse_args()


ARGS = parse_args()
if ARGS.allocator == "matched" and os.environ.get("GLIBC_TUNABLES") != TUNABLES:
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, GLIBC_TUNABLES=TUNABLES))
if ARGS.allocator == "shipped" and "GLIBC_TUNABLES" in os.environ:
    env = dict(os.environ)
    del env["GLIBC_TUNABLES"]
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import torch  # noqa: E402  (after the allocator settings: they must be in place before the process starts)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# ----------------------------------------------------------------------------- configuration
BASE = dict(num_bins=101, vmin=-10.0, vmax=10.0, simnorm=8, dropout=0.01, rho=0.5, lr=3e-4, enc_lr_scale=0.3,
            clip=20.0, tau=0.01, consistency=20.0, reward_coef=0.1, value_coef=0.1, current_coef=10.0, entropy=1e-4,
            log_std_min=-10.0, log_std_max=2.0, min_std=0.05, max_std=2.0, temperature=0.5, episodic=False,
            discrete=0, joint=False, shift=False, offset=0.0)
SHAPES = {
    "tdmpc2": dict(arch="tdmpc2", channels=32, readout="flatten", hidden=0, latent=512, mlp=512, enc=256, num_q=5,
                   action=6, batch=256, horizon=3, shift=True, offset=0.5, episode=1000,
                   plan=dict(horizon=3, iterations=6, samples=512, elites=64, pi=24)),
    "study-joint": dict(arch="resnet", channels=16, readout="pool", hidden=1, latent=128, mlp=128, enc=128, num_q=2,
                        action=1, batch=32, horizon=1, episodic=True, joint=True, episode=4, lr=3e-4, enc_lr_scale=1.0,
                        consistency=2.0, plan=dict(horizon=1, iterations=4, samples=256, elites=32, pi=24)),
    "study-reward-q": dict(arch="resnet", channels=16, readout="pool", hidden=1, latent=128, mlp=128, enc=128, num_q=2,
                           action=1, batch=32, horizon=1, episodic=True, episode=4, lr=3e-4, enc_lr_scale=1.0,
                           consistency=2.0, reward_coef=1.0, value_coef=1.0,
                           plan=dict(horizon=1, iterations=4, samples=256, elites=32, pi=24)),
    "counting-hold": dict(arch="resnet", channels=16, readout="pool", hidden=0, latent=128, mlp=384, enc=256, num_q=2,
                          action=3, discrete=3, batch=32, horizon=3, episode=50, episodic=True, consistency=2.0, reward_coef=1.0,
                          value_coef=1.0, plan=dict(horizon=3, iterations=4, samples=128, elites=16, pi=8)),
}
C = dict(BASE, **SHAPES[ARGS.shape])
C["bin_size"] = (C["vmax"] - C["vmin"]) / (C["num_bins"] - 1)
_frac = C["episode"] / 5
C["discount"] = min(max((_frac - 1) / _frac, 0.95), 0.995)
BINS = torch.linspace(C["vmin"], C["vmax"], C["num_bins"])


# ----------------------------------------------------------------------------- layers
def simnorm(x):
    s = x.shape
    return F.softmax(x.view(*s[:-1], -1, C["simnorm"]), dim=-1).view(s)


def linear(i, o, zero=False):
    lin = nn.Linear(i, o)
    nn.init.trunc_normal_(lin.weight, std=0.02)
    nn.init.zeros_(lin.bias)
    if zero:
        nn.init.zeros_(lin.weight)
    return lin


class NormedLinear(nn.Module):
    """Linear -> [dropout] -> LayerNorm -> Mish | SimNorm."""

    def __init__(self, i, o, act="mish", dropout=0.0):
        super().__init__()
        self.lin, self.ln, self.act, self.p = linear(i, o), nn.LayerNorm(o), act, dropout

    def forward(self, x):
        x = self.lin(x)
        if self.p and self.training:
            x = F.dropout(x, self.p, True)
        x = self.ln(x)
        return simnorm(x) if self.act == "simnorm" else F.mish(x)


def mlp(i, h, o, last_act=None, zero_last=False):
    last = NormedLinear(h, o, act=last_act) if last_act else linear(h, o, zero=zero_last)
    return nn.Sequential(NormedLinear(i, h), NormedLinear(h, h), last)


class ResidualBlock(nn.Module):
    """x + conv2(relu(conv1(relu(x)))), 3x3 convolutions with zero padding 1, no normalization."""

    def __init__(self, c):
        super().__init__()
        self.first, self.second = nn.Conv2d(c, c, 3, padding=1), nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return x + self.second(F.relu(self.first(F.relu(x))))


class ConvStack(nn.Module):
    def __init__(self):
        super().__init__()
        c = C["channels"]
        if C["arch"] == "tdmpc2":
            self.layers = nn.ModuleList([nn.Conv2d(3, c, 7, stride=2), nn.Conv2d(c, c, 5, stride=2),
                                         nn.Conv2d(c, c, 3, stride=2), nn.Conv2d(c, c, 3, stride=1)])
            self.features = c * 4 * 4
        else:
            self.layers = nn.ModuleList([nn.Conv2d(3, c, 7, stride=2), nn.Conv2d(c, 2 * c, 3, stride=2),
                                         ResidualBlock(2 * c), ResidualBlock(2 * c), nn.Conv2d(2 * c, 2 * c, 3, stride=2),
                                         ResidualBlock(2 * c)])
            self.features = 2 * c * 6 * 6

    def forward(self, x):
        L = self.layers
        if C["arch"] == "tdmpc2":
            return L[3](F.relu(L[2](F.relu(L[1](F.relu(L[0](x)))))))
        x = L[1](F.relu(L[0](x)))
        x = L[3](L[2](x))
        return F.relu(L[5](L[4](x)))

    def conv_flop(self, images):
        """2 x multiply-adds of forward, weight gradient and (past the first layer) input gradient."""
        convs = [m for m in self.modules() if isinstance(m, nn.Conv2d)]   # registration order is execution order
        side, total = 64, 0.0
        for i, m in enumerate(convs):
            o, c, k, _ = m.weight.shape
            side = (side + 2 * m.padding[0] - k) // m.stride[0] + 1
            total += 2.0 * images * o * side * side * c * k * k * (2 if i == 0 else 3)
        return total


class PixelEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = ConvStack()
        flat = 2 * C["channels"] if C["readout"] == "pool" else self.convs.features
        hidden = []
        for _ in range(C["hidden"]):
            hidden.append(NormedLinear(flat, C["enc"]))
            flat = C["enc"]
        self.hidden = nn.Sequential(*hidden)
        self.projection = None if flat == C["latent"] and not hidden else NormedLinear(flat, C["latent"], act="simnorm")

    def forward(self, obs):
        if C["shift"] and self.training_shift:
            obs = shift(obs)
        x = obs * (1 / 255) - C["offset"] if C["offset"] else obs * (1 / 255)
        x = self.convs(x)
        x = F.relu(x).flatten(2).mean(2) if C["readout"] == "pool" else x.flatten(1)
        x = self.hidden(x)
        return self.projection(x) if self.projection is not None else simnorm(x)

    training_shift = True


def shift(obs, pad=3):
    """Replicate-pads by `pad` and crops back at a random integer offset per image."""
    n, c, h, w = obs.shape
    padded = F.pad(obs, (pad, pad, pad, pad), mode="replicate")
    dy = torch.randint(0, 2 * pad + 1, (n,))
    dx = torch.randint(0, 2 * pad + 1, (n,))
    rows = (dy[:, None] + torch.arange(h)[None])[:, None, :, None]
    cols = (dx[:, None] + torch.arange(w)[None])[:, None, None, :]
    return padded[torch.arange(n)[:, None, None, None], torch.arange(c)[None, :, None, None], rows, cols]


class QEnsemble(nn.Module):
    """num_q MLPs (in -> mlp -> mlp -> bins) as stacked weights; baddbmm per layer; dropout in the first."""

    def __init__(self, n, i, h, o):
        super().__init__()

        def W(a, b, zero=False):
            w = torch.empty(n, a, b)
            for k in range(n):
                nn.init.trunc_normal_(w[k], std=0.02)
            return nn.Parameter(w.zero_() if zero else w)
        self.w0, self.b0 = W(i, h), nn.Parameter(torch.zeros(n, 1, h))
        self.g0, self.be0 = nn.Parameter(torch.ones(n, 1, h)), nn.Parameter(torch.zeros(n, 1, h))
        self.w1, self.b1 = W(h, h), nn.Parameter(torch.zeros(n, 1, h))
        self.g1, self.be1 = nn.Parameter(torch.ones(n, 1, h)), nn.Parameter(torch.zeros(n, 1, h))
        self.w2, self.b2 = W(h, o, zero=True), nn.Parameter(torch.zeros(n, 1, o))
        self.n, self.h = n, h

    def forward(self, x, params=None, members=None):
        p = params if params is not None else dict(self.named_parameters())
        idx = slice(None) if members is None else members
        k = self.n if members is None else len(members)
        shp = x.shape[:-1]
        x = x.reshape(1, -1, x.shape[-1]).expand(k, -1, -1)
        x = torch.baddbmm(p["b0"][idx], x, p["w0"][idx])
        if self.training:
            x = F.dropout(x, C["dropout"], True)
        x = F.mish(F.layer_norm(x, (self.h,)) * p["g0"][idx] + p["be0"][idx])
        x = torch.baddbmm(p["b1"][idx], x, p["w1"][idx])
        x = F.mish(F.layer_norm(x, (self.h,)) * p["g1"][idx] + p["be1"][idx])
        x = torch.baddbmm(p["b2"][idx], x, p["w2"][idx])
        return x.view(k, *shp, -1)


# ----------------------------------------------------------------------------- math
def symlog(x):
    return torch.sign(x) * torch.log1p(x.abs())


def symexp(x):
    return torch.sign(x) * torch.expm1(x.abs())


def two_hot_inv(logits):
    return symexp((F.softmax(logits, -1) * BINS).sum(-1, keepdim=True))


def soft_ce(logits, target):
    """logits (..., bins), target (..., 1) -> (..., 1)."""
    x = symlog(target).clamp(C["vmin"], C["vmax"])
    pos = (x - C["vmin"]) / C["bin_size"]
    idx = pos.floor()
    off = pos - idx
    idx = idx.long()
    th = torch.zeros(*x.shape[:-1], C["num_bins"])
    th.scatter_(-1, idx, 1 - off)
    th.scatter_add_(-1, (idx + 1) % C["num_bins"], off)
    return -(th * F.log_softmax(logits, -1)).sum(-1, keepdim=True)


def balancing_weights(values):
    """Weights each sample by 1 / (count of its value x number of distinct values), so every value weighs the same."""
    uniq, inverse, counts = torch.unique(values.flatten(), return_inverse=True, return_counts=True)
    return (1.0 / (counts[inverse].float() * len(uniq))).view(values.shape) * values.numel()


# ----------------------------------------------------------------------------- agent
class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        L, A, M, K = C["latent"], C["action"], C["mlp"], C["num_bins"]
        self.enc = PixelEncoder()
        self.dyn = mlp(L + A, M, L, last_act="simnorm")
        self.rew = mlp(L + A, M, K, zero_last=True)
        self.term = mlp(L, M, 1) if C["episodic"] else None
        self.cur = mlp(L, M, K) if C["joint"] else None
        self.pi_net = mlp(L, M, 2 * A)
        self.Qs = QEnsemble(C["num_q"], L + A, M, K)
        self.target = {k: v.detach().clone() for k, v in self.Qs.named_parameters()}
        heads = [self.dyn, self.rew, self.Qs] + [m for m in (self.term, self.cur) if m is not None]
        self.optim = torch.optim.Adam([
            {"params": self.enc.parameters(), "lr": C["lr"] * C["enc_lr_scale"]},
            {"params": [p for m in heads for p in m.parameters()]},
        ], lr=C["lr"])
        self.pi_optim = torch.optim.Adam(self.pi_net.parameters(), lr=C["lr"], eps=1e-5)
        self.scale = torch.ones(1)
        self.prev_mean = torch.zeros(C["plan"]["horizon"], A)
        self.eval()

    def next(self, z, a):
        return self.dyn(torch.cat([z, a], -1))

    def reward(self, z, a):
        return self.rew(torch.cat([z, a], -1))

    def pi(self, z):
        mean, log_std = self.pi_net(z).chunk(2, -1)
        log_std = C["log_std_min"] + 0.5 * (C["log_std_max"] - C["log_std_min"]) * (torch.tanh(log_std) + 1)
        eps = torch.randn_like(mean)
        log_prob = (-0.5 * eps.pow(2) - log_std - 0.9189385175704956).sum(-1, keepdim=True)
        scaled = log_prob * eps.shape[-1]
        action = torch.tanh(mean + eps * log_std.exp())
        log_prob = log_prob - torch.log(F.relu(1 - action.pow(2)) + 1e-6).sum(-1, keepdim=True)
        return action, -log_prob * (scaled / (log_prob + 1e-8))

    def Q(self, z, a, params=None, members=None):
        return self.Qs(torch.cat([z, a], -1), params, members)

    def pair(self):
        return torch.randperm(C["num_q"])[:2].tolist()

    def greedy_value(self, z, params, members, reduce):
        """The best one-hot action's value under the min (TD target) or mean (planning) of a Q pair."""
        n = C["discrete"]
        eye = torch.eye(n)
        values = []
        for i in range(n):
            q = two_hot_inv(self.Q(z, eye[i].expand(z.shape[0], n), params, members))
            values.append(q.min(0).values if reduce == "min" else q.mean(0))
        return torch.stack(values).max(0).values

    # ---------------- update
    def update(self, obs, action, reward, terminated, values):
        H, B, rho = C["horizon"], C["batch"], C["rho"]
        flat = obs.flatten(0, 1)                                    # ((H+1)B, 3, 64, 64)
        with torch.no_grad():
            next_z = self.enc(flat[B:])
            acts = action.flatten(0, 1)
            if C["discrete"]:
                qmin = self.greedy_value(next_z, self.target, self.pair(), "min")
            else:
                a_next, _ = self.pi(next_z)
                qmin = two_hot_inv(self.Q(next_z, a_next, self.target, self.pair())).min(0).values
            td = (reward.flatten(0, 1) + C["discount"] * (1 - terminated.flatten(0, 1)) * qmin).view(H, B, 1)
        self.train()
        if C["joint"]:
            all_z = self.enc(flat)
            z, targets = all_z[:B], all_z[B:].view(H, B, -1)
        else:
            all_z, z, targets = None, self.enc(flat[:B]), next_z.view(H, B, -1)
        zs, cons = [z], 0
        for t in range(H):
            z = self.next(z, action[t])
            cons = cons + F.mse_loss(z, targets[t]) * rho ** t
            zs.append(z)
        zs = torch.stack(zs)
        w = (rho ** torch.arange(H, dtype=torch.float32)).view(H, 1, 1)
        predicted = zs[:-1].detach() if C["joint"] else zs[:-1]
        rp = self.reward(predicted, action)
        qs = self.Q(predicted, action)                              # (num_q, H, B, bins)
        reward_loss = (soft_ce(rp, reward) * w).mean(dim=(1, 2)).sum() / H
        value_loss = (soft_ce(qs, td.unsqueeze(0).expand(C["num_q"], -1, -1, -1)) * w).mean(dim=(2, 3)).sum() / (H * C["num_q"])
        loss = C["consistency"] * cons / H + C["reward_coef"] * reward_loss + C["value_coef"] * value_loss
        if self.term is not None:
            loss = loss + F.binary_cross_entropy_with_logits(self.term(zs[1:].detach()), terminated)
        if self.cur is not None:
            v = values.flatten(0, 1)
            ce = (soft_ce(self.cur(all_z), v) * balancing_weights(v)).mean()
            rolled_v = values[1:]
            rolled = soft_ce(self.cur(zs[1:]), rolled_v) * balancing_weights(rolled_v)
            loss = loss + C["current_coef"] * (ce + (rolled * w).sum() / (H * B))
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for g in self.optim.param_groups for p in g["params"]], C["clip"])
        self.optim.step()
        self.optim.zero_grad(set_to_none=True)
        # policy on detached latents, Q from online members as constants
        zd = zs.detach()
        a, ent = self.pi(zd)
        det = {k: v.detach() for k, v in self.Qs.named_parameters()}
        q = two_hot_inv(self.Q(zd, a, det, self.pair())).mean(0)    # (H+1, B, 1)
        with torch.no_grad():
            srt = q[0].flatten().sort().values
            n = srt.shape[0]
            pct = []
            for pc in (5, 95):
                pos = pc * (n - 1) / 100
                lo, hi = math.floor(pos), min(math.floor(pos) + 1, n - 1)
                pct.append(srt[lo] * (1 - (pos - lo)) + srt[hi] * (pos - lo))
            self.scale.lerp_(torch.clamp(pct[1] - pct[0], min=1.0), C["tau"])
        rhos = rho ** torch.arange(H + 1, dtype=torch.float32)
        pi_loss = (-(C["entropy"] * ent + q / self.scale).mean(dim=(1, 2)) * rhos).mean()
        pi_loss.backward()
        torch.nn.utils.clip_grad_norm_(self.pi_net.parameters(), C["clip"])
        self.pi_optim.step()
        self.pi_optim.zero_grad(set_to_none=True)
        with torch.no_grad():
            for k, v in self.Qs.named_parameters():
                self.target[k].lerp_(v, C["tau"])
        self.eval()
        return loss.detach()

    # ---------------- plan
    @torch.no_grad()
    def plan(self, obs, t0=False, eval_mode=False):
        P = C["plan"]
        H, A, N, Pi, E = P["horizon"], C["action"], P["samples"], P["pi"], P["elites"]
        self.enc.training_shift = False
        z = self.enc(obs.unsqueeze(0))
        self.enc.training_shift = True
        if C["discrete"]:
            return self.plan_categorical(z, eval_mode)
        pa = torch.empty(H, Pi, A)
        _z = z.repeat(Pi, 1)
        for t in range(H - 1):
            pa[t], _ = self.pi(_z)
            _z = self.next(_z, pa[t])
        pa[-1], _ = self.pi(_z)
        z = z.repeat(N, 1)
        mean = torch.zeros(H, A)
        std = torch.full((H, A), C["max_std"])
        if not t0:
            mean[:-1] = self.prev_mean[1:]
        actions = torch.empty(H, N, A)
        actions[:, :Pi] = pa
        for _ in range(P["iterations"]):
            actions[:, Pi:] = (mean.unsqueeze(1) + std.unsqueeze(1) * torch.randn(H, N - Pi, A)).clamp(-1, 1)
            value = self.estimate_value(z, actions, H).nan_to_num(0)
            idx = torch.topk(value.squeeze(1), E, dim=0).indices
            ev, ea = value[idx], actions[:, idx]
            score = torch.exp(C["temperature"] * (ev - ev.max(0).values))
            score = score / score.sum(0)
            mean = (score.unsqueeze(0) * ea).sum(1) / (score.sum(0) + 1e-9)
            std = ((score.unsqueeze(0) * (ea - mean.unsqueeze(1)) ** 2).sum(1) / (score.sum(0) + 1e-9)).sqrt()
            std = std.clamp(C["min_std"], C["max_std"])
        g = -torch.empty_like(score.squeeze(1)).exponential_().log()
        i = (score.squeeze(1).log() + g).argmax()
        a, s = ea[0, i], std[0]
        if not eval_mode:
            a = a + s * torch.randn(A)
        self.prev_mean.copy_(mean)
        return a.clamp(-1, 1)

    def estimate_value(self, z, actions, H):
        G, disc = 0, 1
        for t in range(H):
            r = two_hot_inv(self.reward(z, actions[t]))
            z = self.next(z, actions[t])
            G = G + disc * r
            disc = disc * C["discount"]
        a, _ = self.pi(z)
        return G + disc * two_hot_inv(self.Q(z, a, None, self.pair())).mean(0)

    def plan_categorical(self, z, eval_mode):
        """Categorical sampling-based planning over one-hot sequences: samples from per-step probabilities, the
        elites' softmax-weighted frequencies refit them; terminal value the best action under a Q pair's mean."""
        P, n = C["plan"], C["discrete"]
        H, N, E = P["horizon"], P["samples"], P["elites"]
        probs = torch.full((H, n), 1.0 / n)
        z = z.repeat(N, 1)
        eye = torch.eye(n)
        for _ in range(P["iterations"]):
            idx = torch.multinomial(probs, N, replacement=True)          # (H, N)
            actions = eye[idx]                                          # (H, N, n)
            G, disc, zz = 0, 1, z
            for t in range(H):
                G = G + disc * two_hot_inv(self.reward(zz, actions[t]))
                zz = self.next(zz, actions[t])
                disc = disc * C["discount"]
            value = (G + disc * self.greedy_value(zz, None, self.pair(), "mean")).nan_to_num(0)
            top = torch.topk(value.squeeze(1), E, dim=0).indices
            ev = value[top]
            score = torch.exp(C["temperature"] * (ev - ev.max(0).values))
            score = score / score.sum(0)
            probs = (score.view(1, E, 1) * actions[:, top]).sum(1)
            probs = 0.9 * probs / probs.sum(-1, keepdim=True) + 0.1 / n
        first = probs[0].argmax() if eval_mode else torch.multinomial(probs[0], 1)[0]
        return eye[first]


# ----------------------------------------------------------------------------- timing
def other_cores_sample():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    with open("/proc/self/stat") as f:
        s = f.read()
    w = s[s.rindex(")") + 2:].split()
    return time.perf_counter(), busy, int(w[11]) + int(w[12])


def other_cores(a, b):
    hz = os.sysconf("SC_CLK_TCK")
    dt = b[0] - a[0]
    return max(0.0, ((b[1] - a[1]) - (b[2] - a[2])) / hz / dt) if dt > 0 else 0.0


def timed(fn, iters, warmup):
    for _ in range(warmup):
        fn()
    start = other_cores_sample()
    ts, cpu = [], []
    for _ in range(iters):
        t, c = time.perf_counter(), time.process_time()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    return {"median_ms": statistics.median(ts), "min_ms": min(ts), "max_ms": max(ts), "cpu_ms": statistics.median(cpu),
            "other_cores": other_cores(start, other_cores_sample())}


def mm_rate(iters=20):
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    out = torch.empty(512, 512)
    r = timed(lambda: torch.mm(a, b.t(), out=out), iters, 3)
    return 2 * 512 ** 3 / (r["median_ms"] * 1e6)


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(1)
    agent = Agent()
    H, B, A = C["horizon"], C["batch"], C["action"]
    g = torch.Generator().manual_seed(0)
    obs = torch.rand(H + 1, B, 3, 64, 64, generator=g) * 255
    if C["discrete"]:
        action = torch.eye(C["discrete"])[torch.randint(0, C["discrete"], (H, B), generator=g)]
    else:
        action = torch.rand(H, B, A, generator=g) * 2 - 1
    reward = torch.rand(H, B, 1, generator=g)
    terminated = torch.zeros(H, B, 1)
    values = torch.randint(0, 2, (H + 1, B, 1), generator=g).float()
    images = torch.rand(B, 3, 64, 64, generator=g)
    one = torch.rand(3, 64, 64, generator=g) * 255
    convs = agent.enc.convs

    def conv_pass():
        convs.zero_grad(set_to_none=True)
        convs(images).sum().backward()

    mm = [mm_rate()]
    update = timed(lambda: agent.update(obs, action, reward, terminated, values), ARGS.update_iters, ARGS.warmup)
    conv = timed(conv_pass, ARGS.conv_iters, ARGS.warmup)
    mm.append(mm_rate())
    agent.plan(one, t0=True)
    explore = timed(lambda: agent.plan(one, eval_mode=False), ARGS.act_iters, ARGS.warmup)
    evaluate = timed(lambda: agent.plan(one, eval_mode=True), ARGS.act_iters, ARGS.warmup)
    mm.append(mm_rate())
    conv_flop = convs.conv_flop(B)
    res = {"impl": "pytorch", "torch": torch.__version__, "shape": ARGS.shape, "threads": torch.get_num_threads(),
           "allocator": ARGS.allocator, "glibc_tunables": os.environ.get("GLIBC_TUNABLES", ""),
           "cpu_capability": torch.backends.cpu.get_cpu_capability(), "mkldnn": torch.backends.mkldnn.is_available(),
           "parameters": sum(p.numel() for p in agent.parameters()), "batch": B, "horizon": H,
           "update_ms": update["median_ms"], "update_min_ms": update["min_ms"], "update_max_ms": update["max_ms"],
           "update_cpu_ms": update["cpu_ms"], "conv_cpu_ms": conv["cpu_ms"],
           "act_explore_ms": explore["median_ms"], "act_eval_ms": evaluate["median_ms"],
           "act_ms": (explore["median_ms"] + evaluate["median_ms"]) / 2,
           "conv_ms": conv["median_ms"], "conv_gflop": conv_flop / 1e9, "conv_gflops": conv_flop / (conv["median_ms"] * 1e6),
           "mm_gflops": sorted(mm)[1], "mm_gflops_measurements": mm,
           "other_cores": max(update["other_cores"], conv["other_cores"], explore["other_cores"], evaluate["other_cores"])}
    print(json.dumps(res, sort_keys=True), flush=True)
    if ARGS.out:
        with open(ARGS.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
