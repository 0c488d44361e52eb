"""Helper processes (workers.Helper), work shared with forked processes (workers._shared), and
the Stored values sent to them (stored.send)."""

import os
import signal
import subprocess
import sys
import time

import pytest

import digest.workers
from digest.errors import DigestError
from digest.stored import Stored, StoredFile, receive, send
from digest.workers import Helper, WorkerDied, _shared


def test_a_helper_works_on_inputs_sent_after_it_started():
    helper = Helper(lambda conversation: [value * 2 for value in conversation.receive()])
    helper.send([1, 2, 3])
    assert helper.result() == [2, 4, 6]


def test_a_helper_tells_the_build_what_it_needs_to_know_before_its_inputs():
    def task(conversation):
        conversation.send("what I keep")
        return conversation.receive() * 2

    helper = Helper(task)
    assert helper.receive() == "what I keep"
    helper.send(21)
    assert helper.result() == 42


def test_what_a_helper_raises_before_telling_the_build_is_raised_by_receive():
    def task(conversation):
        raise DigestError("no good", "article.txt", 3)

    helper = Helper(task)
    with pytest.raises(DigestError, match="no good"):
        helper.receive()
    assert not helper._process.is_alive()


def test_what_a_helper_raises_is_raised_by_its_result():
    def task(conversation):
        raise DigestError("no good", "article.txt", 3)

    helper = Helper(task)
    with pytest.raises(DigestError) as raised:
        helper.result()
    assert (raised.value.message, raised.value.line) == ("no good", 3)


def test_a_helper_that_dies_is_reported_not_waited_for():
    helper = Helper(lambda conversation: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(WorkerDied, match="was killed by SIGKILL .* before its work was done"):
        helper.result()


def test_a_helper_stopped_early_leaves_no_process():
    helper = Helper(lambda conversation: conversation.receive())
    helper.stop()
    assert not helper._process.is_alive()


def test_stored_values_sent_to_another_process_read_the_same_bytes(tmp_path):
    path = tmp_path / "shard"
    path.write_bytes(b"0123456789")
    stored_file = StoredFile(os.open(path, os.O_RDONLY), str(path))
    values = [Stored.at(stored_file, 2, 3), b"as it is", Stored.at(stored_file, 7, 3)]
    helper = Helper(lambda conversation: [value.read() if type(value) is Stored else value
                                          for value in receive(conversation.receive())[0]])
    helper.send(send(values))
    assert helper.result() == [b"234", b"as it is", b"789"]
    stored_file.close()


def test_a_file_replaced_after_its_values_were_sent_is_refused(tmp_path):
    path = tmp_path / "shard"
    path.write_bytes(b"0123456789")
    stored_file = StoredFile(os.open(path, os.O_RDONLY), str(path))
    sent = send([Stored.at(stored_file, 0, 4)])
    replacement = tmp_path / "new"
    replacement.write_bytes(b"abcdefghij")
    replacement.replace(path)
    with pytest.raises(OSError, match="was replaced"):
        receive(sent)
    stored_file.close()


def test_a_helper_ends_with_the_build_that_started_it(tmp_path):
    # A build killed outright must not leave its helper writing into a staging folder.
    pid_file = tmp_path / "helper.pid"
    script = (
        "import os, signal, sys, time\n"
        "from digest.workers import Helper\n"
        "helper = Helper(lambda conversation: time.sleep(60))\n"
        "time.sleep(0.3)\n"  # started, and waiting
        f"open({str(pid_file)!r}, 'w').write(str(helper._process.pid))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    helper = int(pid_file.read_text())
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _is_running(helper):
            time.sleep(0.05)
        assert not _is_running(helper)
    finally:
        if _is_running(helper):
            os.kill(helper, signal.SIGKILL)


def _is_running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _slow_here(here: int):
    """A chunk's work: slow in the process ``here``, quick elsewhere; it returns the chunk."""
    def work(chunk):
        if os.getpid() == here:
            time.sleep(0.05)
        return chunk
    return work


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_shared_work_does_each_chunk_once_whoever_finishes_first(workers):
    # The forked processes finish while this one is still at its first chunks, and their
    # results come while it works: each chunk's result still comes back once.
    chunks = list(range(40))
    counted = []
    results = _shared(_slow_here(os.getpid()), chunks, workers, on_chunk=counted.append)
    assert sorted(results) == chunks
    assert sorted(counted) == chunks


def test_shared_work_runs_meanwhile_here_first():
    ran = []
    results = _shared(lambda chunk: (chunk, os.getpid()), list(range(20)), 2, meanwhile=lambda: ran.append(1))
    assert ran == [1] and sorted(chunk for chunk, _ in results) == list(range(20))


def test_what_a_process_sharing_the_work_raises_is_raised_here():
    here = os.getpid()

    def work(chunk):
        if os.getpid() != here:
            raise DigestError("no good", "page.html", 1)
        time.sleep(0.05)
        return chunk

    with pytest.raises(DigestError, match="no good"):
        _shared(work, list(range(20)), 2)


def test_a_process_sharing_the_work_that_dies_is_reported():
    here = os.getpid()

    def work(chunk):
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.02)
        return chunk

    with pytest.raises(WorkerDied, match="was killed by SIGKILL .* before its work was done"):
        _shared(work, list(range(20)), 2)


@pytest.mark.parametrize("workers", [2, 3])
def test_a_process_killed_while_it_takes_a_chunk_is_reported_not_waited_for(monkeypatch, workers):
    # Killed between taking the counter's lock and letting it go, it never lets it go. It
    # dies after this process has looked for news of it and gone to take a chunk.
    here = os.getpid()
    take = digest.workers._take

    def dying_take(taken, *args):
        if os.getpid() != here and taken.value >= 2:
            taken.get_lock().acquire()
            time.sleep(0.1)
            os.kill(os.getpid(), signal.SIGKILL)
        return take(taken, *args)

    def work(chunk):
        time.sleep(0.01)
        return chunk

    monkeypatch.setattr(digest.workers, "_take", dying_take)
    before = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(30)
    try:
        with pytest.raises(WorkerDied, match="was killed by SIGKILL"):
            _shared(work, list(range(40)), workers)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


def _hung(signum, frame):
    raise AssertionError("_shared waited for ever for a process that had died")
