"""%system, %%bash, %%sh, %env, %cd, %pwd, %%writefile and %lsmagic, through jupyter_client."""

from __future__ import annotations

import subprocess
import time

from kernel_helpers import execute, iopub_until_idle, reply_for, result_text, send_interrupt, stderr_text, stdout_text, usage_error


def run_ok(kc, code: str) -> list[dict]:
    reply, messages = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    return messages


def test_system_and_script_cells_stream_their_output(kernel):
    _, kc = kernel
    assert "hi from sh" in stdout_text(run_ok(kc, '%system echo "hi from sh"'))
    messages = run_ok(kc, "%%bash\necho $((6 * 7))\nls /no-such-folder-here")
    assert stdout_text(messages).strip() == "42"
    assert "No such file" in stderr_text(messages)
    assert "bash exited with status 2" in stderr_text(messages)
    assert stdout_text(run_ok(kc, "%%sh\nprintf '%s\\n' one two")) == "one\ntwo\n"


def test_env_is_the_cells_and_the_commands(kernel):
    _, kc = kernel
    assert "env: REALNVP_SHELL_TEST=from env" in stdout_text(run_ok(kc, "%env REALNVP_SHELL_TEST=from env"))
    messages = run_ok(kc, 'ProcessInfo.processInfo.environment["REALNVP_SHELL_TEST"]!')
    assert "from env" in result_text(messages)
    assert stdout_text(run_ok(kc, "%system echo $REALNVP_SHELL_TEST")).strip() == "from env"
    assert stdout_text(run_ok(kc, "%env REALNVP_SHELL_TEST")).strip() == "from env"


def test_cd_pwd_and_writefile_share_one_working_directory(kernel, tmp_path):
    _, kc = kernel
    before = result_text(run_ok(kc, "%pwd")).strip("\"'")
    try:
        assert str(tmp_path) in stdout_text(run_ok(kc, f"%cd {tmp_path}"))
        assert str(tmp_path) in result_text(run_ok(kc, "%pwd"))
        assert "Writing notes.txt" in stdout_text(run_ok(kc, "%%writefile notes.txt\nfirst \\(line)\n\tsecond"))
        assert (tmp_path / "notes.txt").read_text() == "first \\(line)\n\tsecond\n"
        assert "Appending to notes.txt" in stdout_text(run_ok(kc, "%%writefile -a notes.txt\nthird"))
        messages = run_ok(kc, 'try String(contentsOfFile: "notes.txt", encoding: .utf8).split(separator: "\\n").count')
        assert result_text(messages) == "3"
        assert stdout_text(run_ok(kc, "%system wc -l < notes.txt")).strip() == "3"
        messages = run_ok(kc, "%cd /no/such/folder")
        assert "cd: /no/such/folder" in stderr_text(messages)
    finally:
        run_ok(kc, f"%cd {before}")


def test_lsmagic_lists_the_commands(kernel):
    _, kc = kernel
    text = stdout_text(run_ok(kc, "%lsmagic"))
    for name in ("%time", "%timeit", "%install", "%system", "%env", "%cd", "%pwd", "%%bash", "%%writefile"):
        assert name in text, text


def test_interrupt_stops_the_command_and_keeps_the_state(kernel):
    _, kc = kernel
    run_ok(kc, "let keptAcrossInterrupt = 7")
    msg_id = kc.execute("%system sleep 61.25")
    time.sleep(1.5)
    send_interrupt(kc)
    started = time.monotonic()
    reply = reply_for(kc.get_shell_msg, msg_id)
    messages = iopub_until_idle(kc, msg_id)
    # Far less than the minute the command would still sleep; a bound on the effect, not a speed.
    assert time.monotonic() - started < 45
    assert reply["content"]["status"] in ("ok", "error")
    assert "stopped by signal 2" in stderr_text(messages)
    assert subprocess.run(["pgrep", "-f", "sleep 61.25"], capture_output=True).returncode == 1
    assert result_text(run_ok(kc, "keptAcrossInterrupt")) == "7"


def test_misused_commands_say_what_was_expected(kernel):
    _, kc = kernel
    assert "%%bash applies to the whole cell" in usage_error(kc, "let a = 1\n%%bash\necho no")
