"""Drives an interactive program through a pseudo-terminal, as a person at a terminal would.

usage: drive_repl.py SCRIPT.json -- COMMAND...
SCRIPT.json: {"ready": REGEX, "steps": [[INPUT, EXPECTED_REGEX], ...], "exit": INPUT, "timeout": SECONDS}
Waits for READY, types each INPUT (a trailing "\\r" is Enter) and waits for EXPECTED_REGEX in what the
program prints next; then types EXIT and waits for the program to end. Prints the transcript (ANSI control sequences removed); exits 1 on a timeout or early exit, else with
the program's own exit status.
"""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


def main():
    split = sys.argv.index("--")
    script = json.load(open(sys.argv[1]))
    command = sys.argv[split + 1:]
    timeout = script.get("timeout", 120)
    pid, fd = pty.fork()
    if pid == 0:
        # a person's terminal delivers Ctrl-C; a parent that ignores SIGINT (a job started with & by a script, nohup,
        # some CI runners) would pass the ignoring on through exec, and the program could not be interrupted
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    pending = b""
    transcript = []

    def expect(pattern):
        nonlocal pending
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            clean = ANSI.sub(b"", pending).decode("utf-8", "replace")
            m = rx.search(clean)
            if m:
                transcript.append(clean[:m.end()])
                pending = b""
                return
            if time.time() > end:
                transcript.append(clean)
                fail("timed out after %ss waiting for /%s/" % (timeout, pattern))
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    transcript.append(ANSI.sub(b"", pending).decode("utf-8", "replace"))
                    fail("the program ended while waiting for /%s/" % pattern)
                pending += data

    def fail(message):
        print("".join(transcript))
        print("\n*** " + message)
        sys.exit(1)

    expect(script["ready"])
    for text, pattern in script["steps"]:
        os.write(fd, text.encode())
        expect(pattern)
    os.write(fd, script["exit"].encode())
    deadline = time.time() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, 9)
            fail("the program did not exit")
        try:
            select.select([fd], [], [], 0.2)
            os.read(fd, 65536)
        except OSError:
            pass
    print("".join(transcript))
    sys.exit(os.waitstatus_to_exitcode(status))


main()
