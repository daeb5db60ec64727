#!/bin/sh
# The container's command: portwarden frees the port (a server left by `docker exec`, or by an
# earlier start in a long-lived dev container), runs the app in a process group of its own and
# passes `docker stop`'s SIGTERM on to the whole group — npm and sh do not pass signals on, so a
# plain `npm start` waits out docker's 10 s and dies by SIGKILL.
set -eu
exec node_modules/.bin/portwarden run --port "${PORT:-3000}" --grace 5s -- node server.js
