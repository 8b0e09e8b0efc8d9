"""``healthpulse evaluate`` and ``healthpulse train``: measured NLP quality and reproducible heads."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from healthpulse.cli.common import EXIT_OK, CliError, add_config_args, load_cli_settings, progress
from healthpulse.core.departments import load_departments


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="NLP quality on a labelled split: per-language and overall metrics table")
    add_config_args(p)
    p.add_argument("--split", default="final",
                   help="bundled labelled split: final (independent authors, the README figures; default), third_dev "
                        "(independent, used for choices), dev and second_dev (independent dev sets used for the "
                        "earlier choices; they now train every head but sentiment), posts (independent "
                        "social-media posts, reported only), test (first author's held-out situations), train")
    p.add_argument("--file", "--data", dest="data", metavar="FILE",
                   help="a labelled JSONL file instead of a bundled split (e.g. `healthpulse labels export`)")
    p.add_argument("--profile", choices=["fast", "default", "full"], help="analysis profile (default: the settings')")
    p.add_argument("--format", choices=["table", "markdown", "json"], default="table")
    p.add_argument("--errors", metavar="FILE", help="write the disagreements as JSONL to FILE")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("train", help="train the NLP heads on the train data only (seeded, reproducible)")
    # deferred: scikit-learn is slow to import, and every other command would pay for it
    from healthpulse.nlp.training.train import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_train)


def cmd_evaluate(args: argparse.Namespace) -> int:
    # deferred: the analyzer loads spaCy, scikit-learn and the encoder, which other commands do not need
    from healthpulse.nlp.analyzer import Analyzer
    from healthpulse.nlp.evaluation import errors, evaluate, format_table, to_document
    from healthpulse.nlp.training.dataset import DATA_DIR, LabelledDataError, load_file, load_split, split_files

    settings = load_cli_settings(args)
    dep_path = settings.departments_file or (Path(__file__).resolve().parents[1] / "data" / "departments.yaml")
    departments = load_departments(dep_path)
    if args.data:
        path = Path(args.data)
        if not path.is_file():
            raise CliError(f"labelled data file not found: {path}")
        try:
            items = load_file(path)
        except (LabelledDataError, UnicodeDecodeError) as exc:
            raise CliError(str(exc)) from None
    else:
        if not any(f.is_file() for f in split_files(args.split)):
            raise CliError(f"no labelled split '{args.split}' in {DATA_DIR}")
        items = load_split(args.split)
    if not items:
        raise CliError("no labelled items to evaluate")
    if args.batch_size < 1:
        raise CliError("--batch-size must be at least 1")
    if args.profile:
        settings = settings.model_copy(update={"nlp_profile": args.profile})
    analyzer = Analyzer.from_settings(settings, departments)
    docs = [to_document(it) for it in items]
    analyses = []
    for start in progress(range(0, len(docs), args.batch_size), total=(len(docs) + args.batch_size - 1) // args.batch_size,
                          desc="evaluate", unit="batch"):
        analyses.extend(analyzer.analyze_many(docs[start:start + args.batch_size], batch_size=args.batch_size))
    results = evaluate(items, analyses)
    if args.format == "json":
        print(json.dumps(results, indent=2))
    else:
        print(format_table(results, markdown=args.format == "markdown"))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for diff in errors(items, analyses):
                fh.write(json.dumps(diff, ensure_ascii=False, default=str) + "\n")
        print(f"disagreements written to {args.errors}", file=sys.stderr)
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from healthpulse.nlp.training.dataset import LabelledDataError, load_file
    from healthpulse.nlp.training.train import run  # deferred: scikit-learn (see register)

    for path in args.extra:  # checked before any embedding work, as a usage error (exit 2), not an internal one
        if not Path(path).is_file():
            raise CliError(f"--extra: labelled data file not found: {path}")
        try:
            if not load_file(Path(path)):
                raise CliError(f"--extra: no labelled items in {path}")
        except (LabelledDataError, UnicodeDecodeError) as exc:
            raise CliError(f"--extra: {exc}") from None
    return run(args)
