"""The backend as the extension runs it: `python -m landscape_lens` in a subprocess, spoken to
over framed JSON-RPC on its stdin and stdout."""

import json
import os
import subprocess
import sys
import time
import unittest

import helpers
from helpers import MLP_DATA, ProjectFolder
from landscape_lens.rpc import encode, read_message

NOISY_MODEL = """
import torch

print("model.py prints to stdout; the channel must stay clean")

class Slow(torch.nn.Module):
    def forward(self, x):
        import time
        time.sleep(0.01)
        return x

def make_model():
    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3), Slow())
"""


class Backend:
    def __init__(self, cwd: str) -> None:
        env = dict(os.environ, PYTHONPATH=helpers.PYTHON_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "landscape_lens"], cwd=cwd, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 0

    def send(self, message: dict) -> None:
        self.process.stdin.write(encode({"jsonrpc": "2.0", **message}))
        self.process.stdin.flush()

    def request(self, method: str, params=None) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params if params is not None else {}})
        return self.next_id

    def response(self, request_id: int) -> tuple[dict, list[dict]]:
        """The response to a request and the notifications before it."""
        notes = []
        while True:
            message = read_message(self.process.stdout)
            self.assert_frame(message)
            if message.get("id") == request_id:
                return message, notes
            notes.append(message)

    def assert_frame(self, message) -> None:
        if message is None:
            raise AssertionError("the backend closed stdout: " + self.process.stderr.read().decode(errors="replace")[-2000:])
        if message.get("jsonrpc") != "2.0":
            raise AssertionError(f"not a JSON-RPC message: {message}")

    def close(self) -> int:
        try:
            return self.process.wait(timeout=20)
        finally:
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if not stream.closed:
                    stream.close()


class EndToEndTest(unittest.TestCase):
    def setUp(self):
        self.folder = ProjectFolder({"model.py": NOISY_MODEL, "data.py": MLP_DATA})
        self.config = {
            "seed": 0,
            "model": {"pytorch": "model.py:make_model", "loss": "softmax-cross-entropy", "dtype": "float64"},
            "data": {"kind": "pytorch", "factory": "data.py:make_data", "testFraction": 0, "batchSize": 16},
            "runtime": {"device": "cpu"},
            "analyses": {"landscape": {"resolution": 21}},
        }

    def tearDown(self):
        self.folder.remove()

    def test_initialize_landscape_cancel_shutdown(self):
        backend = Backend(self.folder.path)
        try:
            response, _ = backend.response(backend.request("initialize", {"protocolVersion": 1, "config": self.config, "baseDir": self.folder.path}))
            self.assertNotIn("error", response, response)
            result = response["result"]
            self.assertEqual(result["backend"]["name"], "pytorch")
            self.assertEqual(result["backend"]["parameters"], 51)
            self.assertEqual(result["data"]["trainRows"], 40)

            response, _ = backend.response(backend.request("nonsense"))
            self.assertEqual(response["error"]["code"], -32601)

            # 441 points of ~30 ms each: cancel after the first levels.
            landscape_id = backend.request("landscape")
            partials = []
            while not partials:  # progress until the first level arrives as a partial result
                note = read_message(backend.process.stdout)
                backend.assert_frame(note)
                self.assertEqual(note["method"], "progress")
                if "partial" in note["params"]:
                    partials.append(note["params"]["partial"]["landscape"])
            self.assertGreater(partials[0]["stride"], 1, "the coarsest level comes first")
            self.assertTrue(all(v is not None for v in partials[0]["loss"]))
            cancelled_at = time.monotonic()
            backend.send({"method": "$/cancelRequest", "params": {"id": landscape_id}})
            response, notes = backend.response(landscape_id)
            self.assertLess(time.monotonic() - cancelled_at, 1.5)
            result = response["result"]
            self.assertTrue(result["cancelled"])
            landscape = result["landscape"]
            self.assertFalse(landscape["complete"])
            computed = [v for v in landscape["loss"] if v is not None]
            self.assertGreater(len(computed), 0)
            self.assertLess(len(computed), 441)
            self.assertTrue(all(n.get("method") == "progress" for n in notes))

            response, _ = backend.response(backend.request("shutdown"))
            self.assertIsNone(response["result"])
            backend.send({"method": "exit"})
            self.assertEqual(backend.close(), 0)
        finally:
            if backend.process.poll() is None:
                backend.process.kill()
                backend.close()

    def test_user_error_and_exit_on_closed_stdin(self):
        self.folder.write("data.py", "def make_data():\n    raise KeyError('labels')\n")
        backend = Backend(self.folder.path)
        try:
            response, _ = backend.response(backend.request("initialize", {"protocolVersion": 1, "config": self.config, "baseDir": self.folder.path}))
            error = response["error"]
            self.assertEqual(error["code"], 1)
            self.assertEqual(error["message"], "data.py:2: KeyError: 'labels' (in make_data)")
            self.assertEqual(error["data"]["kind"], "user-code")
            self.assertIn("Traceback", error["data"]["traceback"])
            backend.process.stdin.close()
            self.assertEqual(backend.close(), 0)
        finally:
            if backend.process.poll() is None:
                backend.process.kill()
                backend.close()


if __name__ == "__main__":
    unittest.main()
