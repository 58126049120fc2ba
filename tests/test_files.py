"""core/files.py: only regular files are read, with a size limit, and nothing blocks: devices, FIFOs,
endless stdin, symlink loops, /proc files. Hang tests run in a subprocess with a generous timeout and
inputs that took seconds (or forever) before the fix; nothing here asserts on timing otherwise.
"""

import os
import subprocess

import pytest

from cityai_cli.core.base import reading as kb
from conftest import MINI, assert_clean, run_cityai

# --- 2. special files --------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero and /dev/urandom")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_not_regular_files(here, device):
    result = run_cityai("list", "--data", device, cwd=here)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        b"",
        f"Error: {device}: is not a regular file\n".encode(),
    )


def test_endless_stdin_is_refused(here):
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        result = run_cityai("list", "--data", "/dev/stdin", cwd=here, stdin=yes.stdout)
    finally:
        yes.kill()
        yes.stdout.close()
        yes.wait()
    assert_clean(result, 1)
    assert result.stderr == b"Error: /dev/stdin: is not a regular file\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_without_a_writer_does_not_block(here):
    os.mkfifo(here / "pipe.toml")
    result = run_cityai("list", "--data", "pipe.toml", cwd=here)
    assert (result.returncode, result.stderr) == (1, b"Error: pipe.toml: is not a regular file\n")


def test_symlink_loop(here):
    os.symlink("loop.toml", here / "loop.toml")
    result = run_cityai("list", "--data", "loop.toml", cwd=here)
    assert_clean(result, 1)
    assert result.stderr.startswith(b"Error: loop.toml: cannot read: ")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_proc_file_claiming_size_zero_is_read_up_to_the_limit():
    # /proc files are regular files that claim 0 bytes: the limit holds on what is read.
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(kb.ReadError, match="is more than 10 bytes; a knowledge base may be at most 10 bytes"):
        kb.safe_read(kb.Path("/proc/self/status"), 10)
    assert kb.safe_read(kb.Path("/proc/self/status"), 1 << 20).startswith(b"Name:")


@pytest.mark.parametrize(
    "raw, said",
    [
        (
            "深圳人工智能企业超2800家。\n".encode("gb18030"),
            "is not UTF-8 (byte 0xc9 at line 1, column 1); it reads as GB18030 (GBK) Chinese text: save it as UTF-8",
        ),
        (
            "深圳人工智能企业超2800家。\n".encode("utf-16"),
            "is not UTF-8 (byte 0xff at line 1, column 1); it is UTF-16: save it as UTF-8",
        ),
        (b"caf\xe9a au lait\n", "is not UTF-8 (byte 0xe9 at line 1, column 4)"),  # one GBK-like pair proves nothing
        (b"ok\n\xff\xfe\x00", "is not UTF-8 (byte 0xff at line 2, column 1)"),
    ],
)
def test_a_document_in_another_encoding_says_which(cli, tmp_path, raw, said):
    # a GBK page from a government site was "not UTF-8 (byte 0xc9 …)" and nothing more
    (tmp_path / "a.txt").write_bytes(raw)
    result = cli("extract", str(tmp_path / "a.txt"), "--data", str(MINI))
    assert (result.code, result.stdout, result.stderr) == (1, "", f"Error: {tmp_path / 'a.txt'}: {said}\n")
