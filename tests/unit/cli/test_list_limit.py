"""``--limit`` of every list command is 1..10,000: a typo must not ask for every row, and 0 must not
print an empty list as if there were none."""

import pytest
from healthpulse.cli import build_parser
from healthpulse.cli.common import MAX_LIST_LIMIT

LIST_COMMANDS = [["jobs", "list"], ["alerts", "list"], ["tickets", "list"], ["incidents", "list"]]


@pytest.mark.parametrize("command", LIST_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("bad", ["0", "-5", str(MAX_LIST_LIMIT + 1), "ten"])
def test_out_of_range_limit_is_a_usage_error_naming_the_option(command, bad, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([*command, "--limit", bad])
    assert exc.value.code == 2
    assert "argument --limit" in capsys.readouterr().err


@pytest.mark.parametrize("command", LIST_COMMANDS, ids=" ".join)
def test_limits_in_range_are_taken(command):
    assert build_parser().parse_args([*command, "--limit", "1"]).limit == 1
    assert build_parser().parse_args([*command, "--limit", str(MAX_LIST_LIMIT)]).limit == MAX_LIST_LIMIT
