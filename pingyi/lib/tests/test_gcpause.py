"""lib/gcpause: an import never leaves a web worker without its cycle collector."""

import gc
import threading

import pytest

from pingyi.lib import gcpause


@pytest.fixture(autouse=True)
def collector_running():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_runs_again_after_a_pause_even_one_ended_by_an_error():
    with pytest.raises(ValueError), gcpause.paused():
        assert not gc.isenabled()
        raise ValueError("bad file")
    assert gc.isenabled()


def test_nested_and_concurrent_pauses_resume_the_collector_only_when_the_last_one_ends():
    inside, may_leave, left = threading.Event(), threading.Event(), threading.Event()

    def other_import():
        with gcpause.paused():
            inside.set()
            may_leave.wait(5)
        left.set()

    worker = threading.Thread(target=other_import)
    worker.start()
    inside.wait(5)
    with gcpause.paused():
        may_leave.set()
        left.wait(5)
        # The other import, which began first, has ended; this one is still running.
        still_paused = not gc.isenabled()
        with gcpause.paused():
            pass
        still_paused_after_nested = not gc.isenabled()
    worker.join(5)
    assert still_paused and still_paused_after_nested
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    with gcpause.paused():
        pass
    assert not gc.isenabled()
