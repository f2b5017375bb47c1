#!/usr/bin/env python3
# Foresight — scripts
# Copyright (c) 2026 the Foresight developers. MIT License.
"""Foresight's PyTorch reference for the TD-MPC2 (state) update and plan: a compact, independent PyTorch
implementation written by the project, with the sizes and math of the official TD-MPC2 code
(https://github.com/nicklashansen/tdmpc2, model_size=5 by default, obs 24, action 6). The benchmarks
`scripts/bench/compare_tdmpc2.py` and `peak_memory_tdmpc2.py` time Foresight against it in one run.

  encoder   24 -> 256 (LN+Mish) -> 512 (LN+SimNorm8)
  dynamics  518 -> 512 -> 512 (LN+Mish) -> 512 (LN+SimNorm8)
  reward    518 -> 512 -> 512 (LN+Mish) -> 101 bins (two-hot, symlog, [-10,10])
  Q x5      518 -> 512 (dropout 0.01, LN+Mish) -> 512 (LN+Mish) -> 101 bins, + target copies
  pi        512 -> 512 -> 512 (LN+Mish) -> 12 (mean, log_std), tanh-squashed Gaussian
  update    horizon 3, batch 256, rho 0.5, coefs 20/0.1/0.1, Adam 3e-4 (enc x0.3), clip 20,
            pi loss with running 5-95% scale, entropy 1e-4, Polyak tau 0.01
  plan      MPPI: 6 iterations, 512 samples (24 from pi), 64 elites, temp 0.5, std [0.05, 2]
Differences in *implementation* (not math) from the official code: the Q ensemble is a batched (5, in, out)
weight tensor evaluated with baddbmm instead of torch.vmap over a TensorDict; losses are vectorized over
time/ensemble instead of python loops. Its CPU timings were checked against the official code's on the same
machine (2026-11-25, torch 2.13, one thread: 856 ms per update here vs 924 ms official; see scripts/bench/README.md).

Usage: .venv/bin/python scripts/bench/torch_tdmpc2_bench.py --model-size 5 --threads 1 --out t5.json
(scripts/setup-python.sh makes .venv with torch).
"""
import argparse
import json
import math
import os
import platform
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import bench, fmt  # noqa: E402

# ----------------------------------------------------------------------------- config
C = dict(obs_dim=24, action_dim=6, latent_dim=512, enc_dim=256, mlp_dim=512, num_q=5, num_bins=101,
         vmin=-10.0, vmax=10.0, simnorm_dim=8, dropout=0.01, batch_size=256, horizon=3, rho=0.5,
         lr=3e-4, enc_lr_scale=0.3, grad_clip_norm=20.0, tau=0.01, consistency_coef=20.0,
         reward_coef=0.1, value_coef=0.1, entropy_coef=1e-4, log_std_min=-10.0, log_std_max=2.0,
         iterations=6, num_samples=512, num_elites=64, num_pi_trajs=24, min_std=0.05, max_std=2.0,
         temperature=0.5, episode_length=1000)
C["bin_size"] = (C["vmax"] - C["vmin"]) / (C["num_bins"] - 1)
frac = C["episode_length"] / 5
C["discount"] = min(max((frac - 1) / frac, 0.95), 0.995)


# ----------------------------------------------------------------------------- layers
def trunc_init(lin):
    nn.init.trunc_normal_(lin.weight, std=0.02)
    nn.init.zeros_(lin.bias)
    return lin


def simnorm(x, d=C["simnorm_dim"]):
    s = x.shape
    return F.softmax(x.view(*s[:-1], -1, d), dim=-1).view(s)


class NL(nn.Module):
    """Linear -> [dropout] -> LayerNorm -> Mish | SimNorm."""

    def __init__(self, i, o, act="mish", dropout=0.0):
        super().__init__()
        self.lin, self.ln, self.act, self.p = trunc_init(nn.Linear(i, o)), nn.LayerNorm(o), act, dropout

    def forward(self, x):
        x = self.lin(x)
        if self.p and self.training:
            x = F.dropout(x, self.p, True)
        x = self.ln(x)
        return simnorm(x) if self.act == "simnorm" else F.mish(x)


def mlp(i, h, o, last_act=None, zero_last=False):
    if last_act:
        return nn.Sequential(NL(i, h), NL(h, h), NL(h, o, act=last_act))
    last = trunc_init(nn.Linear(h, o))
    if zero_last:
        nn.init.zeros_(last.weight)
    return nn.Sequential(NL(i, h), NL(h, h), last)


class QEnsemble(nn.Module):
    """num_q MLPs (in -> 512 -> 512 -> 101) as stacked weights; baddbmm per layer."""

    def __init__(self, n, i, h, o, dropout):
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
        self.n, self.h, self.p = n, h, dropout

    def forward(self, x, params=None):
        p = params if params is not None else dict(self.named_parameters())
        shp = x.shape[:-1]
        x = x.reshape(1, -1, x.shape[-1]).expand(self.n, -1, -1)
        x = torch.baddbmm(p["b0"], x, p["w0"])
        if self.p and self.training:
            x = F.dropout(x, self.p, True)
        x = F.mish(F.layer_norm(x, (self.h,)) * p["g0"] + p["be0"])
        x = torch.baddbmm(p["b1"], x, p["w1"])
        x = F.mish(F.layer_norm(x, (self.h,)) * p["g1"] + p["be1"])
        x = torch.baddbmm(p["b2"], x, p["w2"])
        return x.view(self.n, *shp, -1)


# ----------------------------------------------------------------------------- math
def symlog(x):
    return torch.sign(x) * torch.log1p(x.abs())


def symexp(x):
    return torch.sign(x) * torch.expm1(x.abs())


BINS = torch.linspace(C["vmin"], C["vmax"], C["num_bins"])


def two_hot_inv(logits):
    return symexp((F.softmax(logits, -1) * BINS).sum(-1, keepdim=True))


def soft_ce(logits, target):
    """logits (..., nb), target (..., 1) -> (..., 1)."""
    x = symlog(target).clamp(C["vmin"], C["vmax"])
    pos = (x - C["vmin"]) / C["bin_size"]
    idx = pos.floor()
    off = pos - idx
    idx = idx.long()
    th = torch.zeros(*x.shape[:-1], C["num_bins"])
    th.scatter_(-1, idx, 1 - off)
    th.scatter_add_(-1, (idx + 1) % C["num_bins"], off)
    return -(th * F.log_softmax(logits, -1)).sum(-1, keepdim=True)


# ----------------------------------------------------------------------------- agent
class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        L, A, M = C["latent_dim"], C["action_dim"], C["mlp_dim"]
        self.enc = nn.Sequential(NL(C["obs_dim"], C["enc_dim"]), NL(C["enc_dim"], L, act="simnorm"))
        self.dyn = mlp(L + A, M, L, last_act="simnorm")
        self.rew = mlp(L + A, M, C["num_bins"], zero_last=True)
        self.pi_net = mlp(L, M, 2 * A)
        self.Qs = QEnsemble(C["num_q"], L + A, M, C["num_bins"], C["dropout"])
        self.target = {k: v.detach().clone() for k, v in self.Qs.named_parameters()}
        self.optim = torch.optim.Adam([
            {"params": self.enc.parameters(), "lr": C["lr"] * C["enc_lr_scale"]},
            {"params": list(self.dyn.parameters()) + list(self.rew.parameters()) + list(self.Qs.parameters())},
        ], lr=C["lr"])
        self.pi_optim = torch.optim.Adam(self.pi_net.parameters(), lr=C["lr"], eps=1e-5)
        self.scale = torch.ones(1)
        self.prev_mean = torch.zeros(C["horizon"], A)
        self.eval()

    def n_params(self):
        return sum(p.numel() for p in self.parameters())

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
        ent_scale = scaled / (log_prob + 1e-8)
        return action, torch.tanh(mean), -log_prob * ent_scale

    def Q(self, z, a, kind, params=None):
        out = self.Qs(torch.cat([z, a], -1), params)
        if kind == "all":
            return out
        q = two_hot_inv(out[torch.randperm(C["num_q"])[:2]])
        return q.min(0).values if kind == "min" else q.sum(0) / 2

    # ---------------- update
    def update(self, obs, action, reward):
        H, rho = C["horizon"], C["rho"]
        with torch.no_grad():
            next_z = self.enc(obs[1:])
            a_next, _, _ = self.pi(next_z)
            td = reward + C["discount"] * self.Q(next_z, a_next, "min", self.target)
        self.train()
        zs = [self.enc(obs[0])]
        cons = 0
        for t in range(H):
            zs.append(self.next(zs[-1], action[t]))
            cons = cons + F.mse_loss(zs[-1], next_z[t]) * rho ** t
        zs = torch.stack(zs)
        w = (rho ** torch.arange(H, dtype=torch.float32)).view(H, 1, 1)
        qs = self.Q(zs[:-1], action, "all")                       # (5,H,B,nb)
        rp = self.reward(zs[:-1], action)                          # (H,B,nb)
        reward_loss = (soft_ce(rp, reward) * w).mean(dim=(1, 2)).sum() / H
        value_loss = (soft_ce(qs, td.unsqueeze(0).expand(C["num_q"], -1, -1, -1)) * w).mean(dim=(2, 3)).sum() / (H * C["num_q"])
        loss = C["consistency_coef"] * cons / H + C["reward_coef"] * reward_loss + C["value_coef"] * value_loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.parameters(), C["grad_clip_norm"])
        self.optim.step()
        self.optim.zero_grad(set_to_none=True)
        # policy
        zd = zs.detach()
        a, _, ent = self.pi(zd)
        det = {k: v.detach() for k, v in self.Qs.named_parameters()}
        q = self.Q(zd, a, "avg", det)                              # (H+1,B,1)
        with torch.no_grad():
            srt = q[0].detach().flatten(1).sort(0).values
            n = srt.shape[0]
            pct = []
            for pc in (5, 95):
                pos = pc * (n - 1) / 100
                lo, hi = math.floor(pos), min(math.floor(pos) + 1, n - 1)
                pct.append(srt[lo] * (1 - (pos - lo)) + srt[hi] * (pos - lo))
            self.scale.lerp_(torch.clamp(pct[1] - pct[0], min=1.0), C["tau"])
        q = q / self.scale
        rhos = rho ** torch.arange(H + 1, dtype=torch.float32)
        pi_loss = (-(C["entropy_coef"] * ent + q).mean(dim=(1, 2)) * rhos).mean()
        pi_loss.backward()
        torch.nn.utils.clip_grad_norm_(self.pi_net.parameters(), C["grad_clip_norm"])
        self.pi_optim.step()
        self.pi_optim.zero_grad(set_to_none=True)
        with torch.no_grad():
            for k, v in self.Qs.named_parameters():
                self.target[k].lerp_(v, C["tau"])
        self.eval()
        return loss.detach(), pi_loss.detach()

    # ---------------- plan
    @torch.no_grad()
    def estimate_value(self, z, actions):
        G, disc = 0, 1
        for t in range(C["horizon"]):
            r = two_hot_inv(self.reward(z, actions[t]))
            z = self.next(z, actions[t])
            G = G + disc * r
            disc = disc * C["discount"]
        a, _, _ = self.pi(z)
        return G + disc * self.Q(z, a, "avg")

    @torch.no_grad()
    def plan(self, obs, t0=False, eval_mode=False):
        H, A, N, P, E = C["horizon"], C["action_dim"], C["num_samples"], C["num_pi_trajs"], C["num_elites"]
        z = self.enc(obs.unsqueeze(0))
        pa = torch.empty(H, P, A)
        _z = z.repeat(P, 1)
        for t in range(H - 1):
            pa[t], _, _ = self.pi(_z)
            _z = self.next(_z, pa[t])
        pa[-1], _, _ = self.pi(_z)
        z = z.repeat(N, 1)
        mean = torch.zeros(H, A)
        std = torch.full((H, A), C["max_std"])
        if not t0:
            mean[:-1] = self.prev_mean[1:]
        actions = torch.empty(H, N, A)
        actions[:, :P] = pa
        for _ in range(C["iterations"]):
            actions[:, P:] = (mean.unsqueeze(1) + std.unsqueeze(1) * torch.randn(H, N - P, A)).clamp(-1, 1)
            value = self.estimate_value(z, actions).nan_to_num(0)
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


# ----------------------------------------------------------------------------- FLOP count
def flops():
    """Matmul FLOPs (2*MAC) of one update and one act at this config (estimate; ignores
    LayerNorm/Mish/softmax/Adam elementwise work)."""
    L, A, M, nb, nq, H, B = C["latent_dim"], C["action_dim"], C["mlp_dim"], C["num_bins"], C["num_q"], C["horizon"], C["batch_size"]
    enc = C["obs_dim"] * C["enc_dim"] + C["enc_dim"] * L
    dyn = (L + A) * M + M * M + M * L
    rew = (L + A) * M + M * M + M * nb
    q1 = (L + A) * M + M * M + M * nb
    pi = L * M + M * M + M * 2 * A
    # forward MACs
    nograd = H * B * (enc + pi + nq * q1)                     # td targets (all 5 target Qs evaluated)
    fwd_model = B * enc + H * B * (dyn + rew + nq * q1)
    bwd_model = 2 * fwd_model - B * C["obs_dim"] * C["enc_dim"]  # dgrad+wgrad; no dgrad into obs
    fwd_pi = (H + 1) * B * (pi + nq * q1)
    bwd_pi = (H + 1) * B * (2 * pi + nq * q1)                  # pi: dgrad+wgrad; Q (detached params): dgrad only
    upd = 2 * (nograd + fwd_model + bwd_model + fwd_pi + bwd_pi)
    N, P = C["num_samples"], C["num_pi_trajs"]
    act = 2 * (enc + P * (H * pi + (H - 1) * dyn) + C["iterations"] * N * (H * (rew + dyn) + pi + nq * q1))
    return {"update_flop": upd, "act_flop": act,
            "update_parts_mac": dict(td_target_nograd=nograd, model_fwd=fwd_model, model_bwd=bwd_model,
                                     pi_fwd=fwd_pi, pi_bwd=bwd_pi)}


# ----------------------------------------------------------------------------- bench


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--update-iters", type=int, default=40)
    ap.add_argument("--act-iters", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--out", default=None)
    ap.add_argument("--model-size", type=int, default=5, choices=[1, 5, 19])
    ap.add_argument("--obs-dim", type=int, default=C["obs_dim"])
    ap.add_argument("--action-dim", type=int, default=C["action_dim"])
    args = ap.parse_args()
    C.update({1: dict(enc_dim=256, mlp_dim=384, latent_dim=128, num_q=2),
              5: dict(enc_dim=256, mlp_dim=512, latent_dim=512, num_q=5),
              19: dict(enc_dim=1024, mlp_dim=1024, latent_dim=768, num_q=5)}[args.model_size])
    C.update(obs_dim=args.obs_dim, action_dim=args.action_dim)
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    ag = Agent()
    H, B = C["horizon"], C["batch_size"]
    g = torch.Generator().manual_seed(0)
    obs = torch.randn(H + 1, B, C["obs_dim"], generator=g)
    act = torch.rand(H, B, C["action_dim"], generator=g) * 2 - 1
    rew = torch.randn(H, B, 1, generator=g)
    fl = flops()
    res = {"impl": "own compact PyTorch reimplementation", "model_size": args.model_size, "torch": torch.__version__,
           "python": platform.python_version(), "threads": torch.get_num_threads(), "params": ag.n_params(),
           "flops_estimate": fl}
    print(json.dumps({k: res[k] for k in ["torch", "threads", "params"]}), flush=True)
    res["update"] = bench(lambda: ag.update(obs, act, rew), args.update_iters, args.warmup)
    res["update"]["gflops_at_median"] = fl["update_flop"] / res["update"]["median_ms"] / 1e6
    print("update", fmt(res["update"]), flush=True)
    o = torch.randn(C["obs_dim"])
    ag.plan(o, t0=True)
    for mode, ev in (("act_train", False), ("act_eval", True)):
        res[mode] = bench(lambda: ag.plan(o, eval_mode=ev), args.act_iters, args.warmup)
        res[mode]["gflops_at_median"] = fl["act_flop"] / res[mode]["median_ms"] / 1e6
        print(mode, fmt(res[mode]), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
