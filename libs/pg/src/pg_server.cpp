#include "shop/db/pg_testing.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace shop::db::testing {
namespace fs = std::filesystem;
namespace {

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() > 600 ? all.substr(all.size() - 600) : all;
}

}  // namespace

std::optional<std::string> PgServer::FindBinDir() {
  if (const char* env = std::getenv("PG_BIN_DIR"); env != nullptr && *env != '\0') {
    if (fs::exists(fs::path(env) / "initdb") && fs::exists(fs::path(env) / "pg_ctl")) return std::string(env);
    return std::nullopt;
  }
  std::error_code ec;
  std::vector<std::pair<int, std::string>> found;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto bin = e.path() / "bin";
    if (!fs::exists(bin / "initdb") || !fs::exists(bin / "pg_ctl")) continue;
    found.emplace_back(std::atoi(e.path().filename().c_str()), bin.string());
  }
  if (found.empty()) return std::nullopt;
  return std::max_element(found.begin(), found.end())->second;
}

Result<std::unique_ptr<PgServer>> PgServer::Start(const Options& options) {
  auto bin = FindBinDir();
  if (!bin) {
    return Error::Unavailable(
        "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)");
  }
  const bool root = ::geteuid() == 0;
  const passwd* pw = root ? ::getpwnam("postgres") : nullptr;
  if (root && pw == nullptr) return Error::Unavailable("running as root but there is no `postgres` user");
  char tmpl[] = "/tmp/shop-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Error::Unavailable("cannot create a temporary directory");
  std::unique_ptr<PgServer> server(new PgServer(*bin, tmpl, root));
  if (root && ::chown(tmpl, pw->pw_uid, pw->pw_gid) != 0) return Error::Unavailable("cannot chown the temp dir");
  if (auto r = server->Init(options); !r) return r.error();
  Result<void> launched = Error::Unavailable("not started");
  for (int attempt = 0; attempt < 3 && !launched; ++attempt) launched = server->Launch();  // port races
  if (!launched) return launched.error();
  server->StartWatchdog();
  return server;
}

// The watchdog: a shell reading a pipe whose only writer is this process. A normal stop writes
// "done" first; if this process dies any other way (SIGKILL, a crash, a test binary killed at its
// timeout), the read sees end-of-file and the shell stops the server and deletes the directory.
// It runs in its own process group, so a signal to the owner's group does not take it along.
void PgServer::StartWatchdog() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  std::vector<std::string> argv = {"/bin/sh", "-c",
                                   "d=$1; shift; read line; [ \"$line\" = done ] && exit 0; "
                                   "\"$@\" >/dev/null 2>&1; rm -rf -- \"$d\"",
                                   "shop-pg-watchdog", dir_};
  if (as_postgres_) argv.insert(argv.end(), {"runuser", "-u", "postgres", "--"});
  argv.insert(argv.end(), {bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(fds[0], 0);  // the read end as stdin (dup2 clears close-on-exec)
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  watchdog_fd_ = fds[1];
  watchdog_pid_ = pid;
}

int PgServer::Run(const std::vector<std::string>& argv) const {
  std::vector<std::string> full;
  if (as_postgres_) full = {"runuser", "-u", "postgres", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  std::vector<char*> args;
  for (auto& a : full) args.push_back(a.data());
  args.push_back(nullptr);
  const std::string log = dir_ + "/commands.log";
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    // Own process group and a clean signal mask: a Ctrl-C aimed at the parent's group must not
    // reach the server directly (the owner stops it), and blocked signals are inherited by exec.
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::chdir(dir_.c_str());
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// initdb costs ~2 s; a copy of a pristine cluster about half that. The template lives in
// /tmp/shop-pg-template-<version>-w1-<uid> (made once, under an flock, by whichever test process
// comes first; rebuilt when incomplete). $SHOP_PG_NO_TEMPLATE=1 disables it.
Result<void> PgServer::MakeDataDir(const std::string& data) {
  const auto initdb = [&](const std::string& target) {
    return Run({bin_ + "/initdb", "-D", target, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N", "--wal-segsize=1"}) == 0;
  };
  const char* no_template = std::getenv("SHOP_PG_NO_TEMPLATE");
  if (no_template != nullptr && std::string_view(no_template) == "1") {
    if (!initdb(data)) return Error::Unavailable("initdb failed: " + Tail(dir_ + "/commands.log"));
    return Ok();
  }
  const std::string version = fs::path(bin_).parent_path().filename().string();
  const std::string base = "/tmp/shop-pg-template-" + version + "-w1-" + std::to_string(::getuid());
  const std::string tmpl = base + "/data";
  const int lock = ::open((base + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return Error::Unavailable("cannot open the template lock");
  ::flock(lock, LOCK_EX);
  std::error_code ec;
  if (!fs::exists(base + "/complete", ec)) {
    fs::remove_all(base, ec);
    fs::create_directory(base, ec);
    const passwd* pw = as_postgres_ ? ::getpwnam("postgres") : nullptr;
    if (pw != nullptr && ::chown(base.c_str(), pw->pw_uid, pw->pw_gid) != 0) ec = std::make_error_code(std::errc::io_error);
    if (ec || !initdb(tmpl)) {
      ::close(lock);
      return Error::Unavailable("initdb failed: " + Tail(dir_ + "/commands.log"));
    }
    std::ofstream(base + "/complete") << "ok\n";
  }
  const bool copied = Run({"cp", "-a", tmpl, data}) == 0;
  ::close(lock);  // releases the flock
  if (!copied) return Error::Unavailable("cannot copy the template cluster: " + Tail(dir_ + "/commands.log"));
  return Ok();
}

Result<void> PgServer::Init(const Options& options) {
  const std::string data = dir_ + "/data";
  if (auto r = MakeDataDir(data); !r) return r;
  std::ofstream conf(data + "/postgresql.conf", std::ios::app);
  conf << "\n# shop test server\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = '" << dir_ << "'\n"
       << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
       << "shared_buffers = 32MB\nmax_connections = 100\ndeadlock_timeout = 100ms\n";
  for (const auto& s : options.settings) conf << s << "\n";
  if (!conf) return Error::Unavailable("cannot write postgresql.conf");
  return Ok();
}

Result<void> PgServer::Launch() {
  port_ = FreePort();
  if (port_ == 0) return Error::Unavailable("no free port");
  const std::string data = dir_ + "/data";
  if (Run({bin_ + "/pg_ctl", "-D", data, "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
           "-p " + std::to_string(port_), "start"}) != 0) {
    return Error::Unavailable("pg_ctl start failed: " + Tail(dir_ + "/server.log"));
  }
  running_ = true;
  return Ok();
}

PgServer::~PgServer() {
  if (watchdog_fd_ >= 0) {
    (void)!::write(watchdog_fd_, "done\n", 5);
    ::close(watchdog_fd_);
    int status = 0;
    while (::waitpid(watchdog_pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (running_) Run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgServer::Url(std::string_view database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
}

Result<std::string> PgServer::CreateDatabase(std::string_view name) {
  PGconn* c = PQconnectdb(Url().c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return Error::Unavailable("cannot connect to the test server: " + msg);
  }
  const std::string sql = "CREATE DATABASE " + std::string(name);
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = ok ? "" : PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) return Error::Internal("CREATE DATABASE failed: " + msg);
  return Url(name);
}

}  // namespace shop::db::testing
