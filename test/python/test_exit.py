"""The backend process ends cleanly: after ``shutdown`` and ``exit`` (stdin still open, so the
reader thread is blocked in its read) or at the end of input, it exits 0 and writes nothing to
stderr; in particular no "Fatal Python error: _enter_buffered_busy" from the reader thread."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from helpers import MLP_DATA, MLP_MODEL, PYTHON_DIR, ProjectFolder, mlp_config


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class BackendExitTest(unittest.TestCase):
    def tearDown(self):
        if hasattr(self, "stdout"):
            self.stdout.close()

    def start(self, cwd: str):
        """The backend on pipes; stdout to a file so a long answer cannot block it."""
        self.stdout = tempfile.TemporaryFile()
        env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
        return subprocess.Popen([sys.executable, "-m", "landscape_lens"], cwd=cwd, env=env,
                                stdin=subprocess.PIPE, stdout=self.stdout, stderr=subprocess.PIPE)

    def answers(self) -> list:
        self.stdout.seek(0)
        raw = self.stdout.read()
        messages = []
        while raw:
            header, _, rest = raw.partition(b"\r\n\r\n")
            length = int(header.split(b":")[1])
            messages.append(json.loads(rest[:length]))
            raw = rest[length:]
        return messages

    def finish(self, process, close_stdin: bool) -> tuple:
        if close_stdin:
            process.stdin.close()
        code = process.wait(timeout=120)
        stderr = process.stderr.read()
        if not close_stdin:
            process.stdin.close()
        process.stderr.close()
        return code, stderr

    def test_shutdown_then_exit_with_stdin_open_exits_0_and_silent(self):
        with tempfile.TemporaryDirectory() as folder:
            process = self.start(folder)
            process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"}))
            process.stdin.flush()
            code, stderr = self.finish(process, close_stdin=False)
        self.assertEqual(stderr, b"")
        self.assertEqual(code, 0)
        self.assertEqual([message.get("id") for message in self.answers()], [1])

    def test_after_a_landscape_on_forked_workers_exit_is_clean(self):
        project = ProjectFolder({"model.py": MLP_MODEL, "data.py": MLP_DATA})
        try:
            config = dict(mlp_config(), runtime={"device": "cpu", "threads": 1}, analyses={"landscape": {"directions": "random", "resolution": 7}})
            process = self.start(project.path)
            process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 1, "config": config, "baseDir": project.path}})
                                + frame({"jsonrpc": "2.0", "id": 2, "method": "landscape", "params": {}})
                                + frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
                                + frame({"jsonrpc": "2.0", "method": "exit"}))
            process.stdin.flush()
            code, stderr = self.finish(process, close_stdin=False)
        finally:
            project.remove()
        self.assertNotIn(b"Fatal Python error", stderr)
        self.assertEqual(code, 0, stderr.decode("utf-8", "replace"))
        responses = {message["id"]: message for message in self.answers() if "id" in message}
        self.assertNotIn("error", responses[2], responses.get(2))
        self.assertEqual(len(responses[2]["result"]["landscape"]["loss"]), 49)

    def test_end_of_input_exits_0_and_silent(self):
        with tempfile.TemporaryDirectory() as folder:
            process = self.start(folder)
            code, stderr = self.finish(process, close_stdin=True)
        self.assertEqual(stderr, b"")
        self.assertEqual(code, 0)


if __name__ == "__main__":
    unittest.main()
