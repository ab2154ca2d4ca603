//! End to end: the real binary in tmux with a POP3 account on the suite's Dovecot. New mail
//! shows after a delivery, opens, is moved to a local folder with `:move`, and after a restart it
//! is still there (the store holds the only copy once the server's is gone).

mod support;

use support::dovecot::dovecot;
use support::tmux::Session;

#[test]
fn pop3_mail_arrives_opens_moves_and_survives_a_restart() {
    let d = dovecot();
    let u = d.new_user("e2e-pop3");
    d.deliver(&u, &support::corpus::message(0));
    let cfg = format!(
        "[[accounts]]\nname = \"home\"\nemail = \"{n}@example.test\"\n[accounts.pop3]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\nleave_on_server = false\ncheck_interval = 5\n",
        n = u.name,
        pw = u.password,
        port = d.pop3s_port(),
        ca = d.ca_file().display()
    );
    let s = Session::start(&[], 150, 40, |dir| {
        std::fs::write(dir.join("config.toml"), &cfg).unwrap()
    });
    let screen = s.wait_text("#0 plain");
    assert!(
        screen.contains("Trash") && screen.contains("Sent"),
        "{screen}"
    );

    // a delivery while tmail runs: the next check (5 s) brings it, with a notice
    d.deliver(&u, &support::corpus::message(2));
    s.wait_text("#2 alternative");
    s.wait_text("new mail from Sender 2");

    // open it (the newest, at the top)
    s.keys(&["g", "g", "Enter"]);
    s.wait_text("plain part 2");
    // a folder of our own, and the message into it
    s.keys(&[":"]);
    s.type_text("mkdir Filed");
    s.keys(&["Enter"]);
    s.wait_text("created Filed");
    s.keys(&[":"]);
    s.type_text("move Filed");
    s.keys(&["Enter"]);
    s.wait_text("moved 1 message to Filed");
    s.keys(&["Q"]);
    s.wait_dead();
    // the server gave its copies up (leave_on_server = false): the store has the only ones
    assert_eq!(d.message_count(&u, "INBOX"), 0);

    let s = Session::start_in(s.into_home(), &[], 150, 40, |_| {});
    s.wait_text("#0 plain");
    s.keys(&[":"]);
    s.type_text("folder Filed");
    s.keys(&["Enter"]);
    let screen = s.wait_text("#2 alternative");
    assert!(!screen.contains("#0 plain"), "{screen}");
    s.keys(&["Enter"]);
    s.wait_text("plain part 2");
    s.keys(&["Q"]);
    s.wait_dead();
}
