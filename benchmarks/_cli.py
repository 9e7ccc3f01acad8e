"""Command-line options shared by the benchmark scripts: the machine they run on."""

from __future__ import annotations

import argparse

import torch


def add_machine_options(parser: argparse.ArgumentParser, device=None) -> None:
    """--threads (CPU threads; 0 keeps torch's choice) and --device."""
    parser.add_argument(
        "--threads", type=int, default=0, help="CPU threads (0: torch's)"
    )
    parser.add_argument("--device", default=device, help="cpu, cuda, ...")


def parse_on_machine(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the arguments and apply --threads before any work starts."""
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    return args
