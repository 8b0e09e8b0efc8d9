"""Start-up objects leave the collector's walks once frozen; later objects are still collected."""

import gc

from healthpulse.core.gc_freeze import freeze_startup_objects


def test_frozen_start_up_objects_are_no_longer_walked_but_new_garbage_is_still_collected():
    startup = {"gazetteer": ["Сургут", "القاهرة"]}
    try:
        assert freeze_startup_objects() > 0
        assert not any(o is startup for o in gc.get_objects())  # in the permanent generation
        cycle: list = []
        cycle.append(cycle)
        assert any(o is cycle for o in gc.get_objects())
        del cycle
        assert gc.collect() >= 1  # garbage made after start-up is collected as before
    finally:
        gc.unfreeze()
