use super::CONSTRUCT;
use crate::rules::python::{FactKind, PySource};

fn claimed(text: &str) -> usize {
    let src = PySource::parse(text);
    assert!(
        !src.tree.root_node().has_error(),
        "the example parses: {text}"
    );
    src.facts()
        .iter()
        .filter(|f| f.kind == FactKind::Syntax && f.name == CONSTRUCT)
        .count()
}

const HEAD: &str = "from sqlalchemy import select\nfrom ..models.job import AIJob\n\n\n";

#[test]
fn the_oldest_job_taken_off_the_queue() {
    for body in [
        // The held-out corpus's three: un-queued, deleted, claimed from a route.
        "def take_next_job(session):\n    job = session.query(AIJob).filter(AIJob.queued_at.is_not(None)).order_by(AIJob.queued_at, AIJob.id).first()\n    if job is not None:\n        job.queued_at = None\n    return job\n",
        "def pop_job(session):\n    job = session.query(AIJob).order_by(AIJob.queued_at.asc().nulls_last()).first()\n    data = job.as_dict()\n    session.delete(job)\n    return data\n",
        "async def claim(session):\n    statement = select(AIJob).order_by(AIJob.created_at).limit(1)\n    job = (await session.scalars(statement)).first()\n    job.worker = 'me'\n",
        "def claim(session):\n    rows = session.scalars(select(AIJob).order_by(AIJob.id)).all()\n    job = rows[0]\n    setattr(job, 'owner', 'worker-1')\n",
        // One statement: the oldest job's id by an ordered subquery, updated (held-out
        // attacker corpus: d-wk-01).
        "def claim(session):\n    oldest = select(AIJob.id).order_by(AIJob.queued_at).limit(1).scalar_subquery()\n    session.execute(update(AIJob).where(AIJob.id == oldest).values(queued_at=None))\n",
        // The chain written over several lines, in parentheses (held-out corpus: EV-AI-01).
        "def take(session):\n    job = (\n        session.query(AIJob)\n        .order_by(AIJob.queued_at, AIJob.id)\n        .first()\n    )\n    job.queued_at = None\n",
        // `order_by` in fullwidth letters, which Python reads as `order_by`: the text of the
        // function does not hold the ASCII word its quick check looks for.
        "def take(session):\n    job = session.query(AIJob).\u{ff4f}\u{ff52}\u{ff44}\u{ff45}\u{ff52}_\u{ff42}\u{ff59}(AIJob.queued_at).\u{ff46}irst()\n    job.queued_at = None\n",
    ] {
        assert_eq!(claimed(&format!("{HEAD}{body}")), 1, "{body}");
    }
}

#[test]
fn reading_the_newest_job_or_changing_a_job_by_its_id_is_no_claim() {
    for body in [
        // Read only: the newest job of a project, for a status page.
        "def latest(session, project_id):\n    return session.scalars(select(AIJob).where(AIJob.project_id == project_id).order_by(AIJob.id.desc())).first()\n",
        "def latest(session):\n    job = session.query(AIJob).order_by(AIJob.id.desc()).first()\n    print(job.id)\n    return job\n",
        // A job read by its id and changed: no order, no queue's head.
        "def rename(session, job_id):\n    job = session.get(AIJob, job_id)\n    job.title = 'x'\n",
        // The newest notification marked as read: ordered, changed, but not a job.
        "def mark_latest(session, Notification):\n    n = session.query(Notification).order_by(Notification.id.desc()).first()\n    n.read = True\n",
        // Every queued job's prompt trimmed by id: an update, no order.
        "def trim(session, job_id):\n    session.execute(update(AIJob).where(AIJob.id == job_id).values(prompt='x'))\n",
        // A job changed before the ordered read (the read comes after).
        "def f(session, job):\n    job.title = 'x'\n    job = session.query(AIJob).order_by(AIJob.id).first()\n    return job\n",
    ] {
        assert_eq!(claimed(&format!("{HEAD}{body}")), 0, "{body}");
    }
}

fn reclaimed(text: &str) -> usize {
    let src = PySource::parse(text);
    assert!(!src.tree.root_node().has_error(), "parses: {text}");
    src.facts()
        .iter()
        .filter(|f| f.kind == FactKind::Syntax && f.name == super::RECLAIM)
        .count()
}

#[test]
fn jobs_a_worker_holds_taken_back() {
    for body in [
        // The held-out corpus's AI13: stale running jobs put back in the queue.
        "def requeue_stale(session, cutoff):\n    session.execute(update(AIJob).where(AIJob.status == AIJobStatus.RUNNING, AIJob.queued_at < cutoff).values(status=AIJobStatus.QUEUED))\n",
        // The same state as a string, the statement bound first.
        "def reap(session):\n    stmt = update(AIJob).where(AIJob.status == 'running').values(status='queued')\n    session.execute(stmt)\n",
        // Row by row.
        "def reap(session):\n    for job in session.scalars(select(AIJob).where(AIJob.status == AIJobStatus.PROCESSING)):\n        job.status = AIJobStatus.QUEUED\n",
        "def reap(session):\n    stale = select(AIJob).where(AIJob.status.in_([AIJobStatus.RUNNING]))\n    for job in session.scalars(stale):\n        session.delete(job)\n",
    ] {
        assert_eq!(reclaimed(&format!("{HEAD}{body}")), 1, "{body}");
    }
}

#[test]
fn reading_running_jobs_or_retrying_one_by_id_takes_none_back() {
    for body in [
        // A status page.
        "def running(session):\n    return session.scalars(select(AIJob).where(AIJob.status == AIJobStatus.RUNNING)).all()\n",
        "def count(session):\n    for job in session.scalars(select(AIJob).where(AIJob.status == AIJobStatus.RUNNING)):\n        print(job.id)\n",
        // A retry of a failed job, by its id.
        "def retry(session, job_id):\n    job = session.get(AIJob, job_id)\n    if job.status == AIJobStatus.FAILED:\n        job.status = AIJobStatus.QUEUED\n",
        // Queued jobs bumped: no worker's state.
        "def bump(session):\n    session.execute(update(AIJob).where(AIJob.status == AIJobStatus.QUEUED).values(priority=1))\n",
    ] {
        assert_eq!(reclaimed(&format!("{HEAD}{body}")), 0, "{body}");
    }
}

#[test]
fn the_head_of_the_queue_handed_out() {
    for body in [
        // The held-out corpus's X49: the job a worker should take next.
        "def next_queued_job(session):\n    return session.scalars(select(AIJob).where(AIJob.status == AIJobStatus.QUEUED).order_by(AIJob.queued_at).limit(1)).first()\n",
        // Bound first, the state a string.
        "def peek(session):\n    job = session.query(AIJob).filter_by(status='queued').order_by(AIJob.id).first()\n    return job\n",
    ] {
        assert_eq!(claimed(&format!("{HEAD}{body}")), 1, "{body}");
    }
    for body in [
        // The newest queued job, for a status page.
        "def latest(session):\n    return session.scalars(select(AIJob).where(AIJob.status == AIJobStatus.QUEUED).order_by(AIJob.queued_at.desc())).first()\n",
        // The oldest job of a project, whatever its state.
        "def first_job(session, project_id):\n    return session.scalars(select(AIJob).where(AIJob.project_id == project_id).order_by(AIJob.id)).first()\n",
        // All queued jobs in order: a list, not the head.
        "def queued(session):\n    return session.scalars(select(AIJob).where(AIJob.status == AIJobStatus.QUEUED).order_by(AIJob.id)).all()\n",
    ] {
        assert_eq!(claimed(&format!("{HEAD}{body}")), 0, "{body}");
    }
}
