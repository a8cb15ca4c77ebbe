#!/usr/bin/python3
"""Runs Debian's AWS CLI v2 (/usr/bin/aws's awscli.clidriver.main) for the tests, warm.

The CLI spends most of a call starting: importing awscli and botocore (0.4 s) and asking
lsb_release for the distribution. This server does that once, then forks a child per request
that runs the CLI's own main() with the request's arguments, environment and working folder,
exactly as /usr/bin/aws would, so the CLI stays an independent client; only its start-up is
shared.

Usage: aws_cli_server.py NAME IDLE_SECONDS. It listens on the abstract Unix socket NAME (no
network, no file) and exits after IDLE_SECONDS without a request. A request is one JSON object
{"args": [...], "env": {...}, "cwd": "..."} followed by the end of the client's writing; the
answer is {"exit_code": N, "out": "...", "err": "..."}.
"""
import json
import os
import signal
import socket
import sys
import tempfile

import awscli.clidriver
import awscli.handlers
import distro

# The user agent's distribution (distro caches it): asked once here rather than per call.
distro.id()
distro.major_version()


def read_all(connection):
    chunks = []
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            return b''.join(chunks)
        chunks.append(chunk)


def set_environment(env):
    """The request's environment, with what /usr/bin/aws and awscli's import add to it."""
    os.environ.clear()
    os.environ.update(env)
    if os.environ.get('LC_CTYPE', '') == 'UTF-8':
        os.environ['LC_CTYPE'] = 'en_US.UTF-8'
    data_path = [os.path.expanduser(os.path.expandvars(path))
                 for path in env['AWS_DATA_PATH'].split(os.pathsep)] if 'AWS_DATA_PATH' in env else []
    data_path.append(os.path.join(os.path.dirname(os.path.abspath(awscli.__file__)), 'data'))
    os.environ['AWS_DATA_PATH'] = os.pathsep.join(data_path)


def run_cli(request):
    """The CLI's main() in this (forked) process; returns its exit code."""
    set_environment(request['env'])
    os.chdir(request.get('cwd') or '/')
    sys.argv = ['aws'] + request['args']
    try:
        return awscli.clidriver.main()
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else 1


def answer(connection):
    """In the child: runs one request and answers it."""
    request = json.loads(read_all(connection))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        saved = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            code = run_cli(request)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
        out.seek(0)
        err.seek(0)
        reply = {'exit_code': code,
                 'out': out.read().decode('utf-8', 'replace'),
                 'err': err.read().decode('utf-8', 'replace')}
    connection.sendall(json.dumps(reply).encode())


def serve(name, idle_seconds):
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind('\0' + name)
    listener.listen(64)
    listener.settimeout(idle_seconds)
    while True:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            break
        if os.fork() == 0:
            listener.close()
            connection.settimeout(None)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                answer(connection)
            finally:
                os._exit(0)
        connection.close()


if __name__ == '__main__':
    serve(sys.argv[1], float(sys.argv[2]))
