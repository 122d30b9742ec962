#!/usr/bin/env python3
"""Runs a command with stdin and stderr on a pseudo-terminal, the way a person at a terminal runs
dr, and optionally answers one prompt. The child's stdout stays this script's stdout (a pipe), so
tests can tell the program's output from what it showed on the terminal; everything the child
wrote to the terminal is relayed to this script's stderr. Exits with the child's exit code
(128 + N for a child killed by signal N, as a shell reports it).

usage: pty-run.py [--wait-for TEXT --answer TEXT] [--stdin-only] [--timeout S] -- command...
  --wait-for/--answer  once TEXT has appeared on the terminal, type ANSWER (escapes: \\r, \\x03)
  --stdin-only         only stdin is a terminal; stderr goes to this script's stderr directly
"""
import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--wait-for')
    parser.add_argument('--answer')
    parser.add_argument('--stdin-only', action='store_true')
    parser.add_argument('--timeout', type=float, default=20.0)
    parser.add_argument('command', nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ['--'] else options.command
    answer = None
    if options.answer is not None:
        answer = options.answer.encode().decode('unicode_escape').encode()

    master, slave = pty.openpty()
    # A wide terminal, so nothing the program draws is wrapped by the terminal itself.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 160, 0, 0))

    def take_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(
        command,
        stdin=slave,
        stderr=None if options.stdin_only else slave,
        preexec_fn=take_terminal,
        close_fds=True,
    )
    os.close(slave)

    seen = b''
    answered = False
    deadline = time.monotonic() + options.timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            child.kill()
            sys.stderr.write('\n[pty-run] timed out\n')
            break
        ready, _, _ = select.select([master], [], [], min(remaining, 0.05))
        if not ready:
            if child.poll() is not None and options.stdin_only:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every process holding the terminal has closed it
            data = b''
        if not data:
            break
        sys.stderr.buffer.write(data)
        sys.stderr.buffer.flush()
        seen += data
        if answer is not None and not answered and options.wait_for.encode() in seen:
            os.write(master, answer)
            answered = True
    code = child.wait()
    os.close(master)
    return 128 - code if code < 0 else code


if __name__ == '__main__':
    sys.exit(main())
