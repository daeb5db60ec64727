// pm2 runs portwarden, which frees port 3000 and then runs the server in a process group of its
// own: `pm2 stop` / `pm2 restart` end the server and everything it started, and each start finds
// the port free.
module.exports = {
  apps: [
    {
      name: 'web',
      script: 'node_modules/portwarden/dist/cli/main.js',
      args: ['run', '--port', '3000', '--grace', '3s', '--', 'node', 'server.js'],
      // More than run's --grace: pm2 must not SIGKILL portwarden while it ends the group.
      kill_timeout: 8000,
    },
  ],
};
