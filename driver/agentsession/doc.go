// Package agentsession is the host's side of one connection to hcs-agent, shared by every
// back-end that runs processes through an agent (the container driver, the VM driver).
//
// A Session owns the protocol client and the ledger of the processes it spawned: each
// process's exit sink is registered before its spawn request is sent, so an exit the agent
// reports before the spawn's reply has been read still reaches the right sink, exactly once.
// The session acknowledges every exit it has handed over, drains the agent's last reports
// when the agent's side ends, and reports the processes the agent never reported as killed
// with the agent (exit code 137, 128+SIGKILL).
//
// Ordering rule: an exit for a pid the session does not know is held only while a spawn is
// in flight (its pid may be the one the spawn is about to return). When the last spawn in
// flight returns, what is still held is not one of ours: it goes to Options.Unclaimed (a
// session reattached after a service restart passes its processes' exits on that way) or is
// dropped.
package agentsession
