//! The positive model of what a field is set to ([`super::disallowed_stores`]).

use super::{disallowed_stores, PySource};

fn stores(text: &str) -> Vec<String> {
    let src = PySource::parse(text);
    let allowed = vec!["created".to_string(), "queued".to_string()];
    disallowed_stores(&src, "status", &["status", "state"], &allowed)
        .into_iter()
        .map(|(_, shown)| shown)
        .collect()
}

#[test]
fn initial_values_are_allowed_however_they_are_spelled() {
    let text = "\
job.status = AIJobStatus.QUEUED
job.status = 'created'
job.status = S.QUEUED.value
job.status = AIJobStatus('queued')
job.status = AIJobStatus['CREATED']
job.status = (AIJobStatus.CREATED if fresh else AIJobStatus.QUEUED)
setattr(job, 'status', Status.QUEUED)
AIJob(prompt=p, status=AIJobStatus.CREATED)
a = b = AIJobStatus.QUEUED
job.status = a
INITIAL = AIJobStatus.CREATED
def make(session, status=INITIAL):
    job = AIJob(status=status)
job.status, job.kind = AIJobStatus.QUEUED, kind
select(AIJob).filter_by(status=wanted)
from app.schemas.ai_jobs import AIJobRead
from .. import schemas
AIJobRead(id=job.id, status=job.status)
schemas.JobOut(status=job.status)
schemas.JobOut(**job.as_dict())
from app.models import job as models
models.AIJob(prompt=p, **extra, status=AIJobStatus.QUEUED)
models.AIJob(prompt=p, **extra, state=AIJobStatus.QUEUED)
fields = {'prompt': p, 'status': AIJobStatus.CREATED}
models.AIJob(**fields)
models.AIJob(**dict(prompt=p), **{'kind': k, **{'status': 'queued'}})
class AIJob(Base):
    status: Mapped[AIJobStatus] = mapped_column(default=AIJobStatus.CREATED, index=True)
    state = Column(String(20), nullable=False, server_default=text(\"'queued'\"))
    def requeue(self) -> None:
        self.status = AIJobStatus.QUEUED
";
    assert_eq!(stores(text), Vec::<String>::new());
}

#[test]
fn any_other_value_or_one_not_read_is_reported() {
    let text = "\
job.status = AIJobStatus.RUNNING
setattr(job, 'status', STATES[STATES.index(job.status) + 1])
job.status = next_state(job)
update(AIJob).values(status=target)
def make(session, status):
    job = AIJob(status=status)
for s in list(AIJobStatus):
    job.status = s
job.status = AIJobStatus.QUEUED if ok else AIJobStatus.FAILED
x = AIJobStatus.QUEUED
x = AIJobStatus.SUCCEEDED
job.status = x
job.status, job.kind = pair
AIJob(prompt=p, status=payload.status)
create_ai_job_record(session, body, initial_status=body.status)
from app.models.job import AIJob
AIJob(**payload.model_dump())
AIJob(**{'prompt': p, 'status': 'running'})
AIJob(**dict(status=next_state))
class AIJob(Base):
    status: Mapped[AIJobStatus] = mapped_column(default=AIJobStatus.SUCCEEDED)
    def mark_failed(self) -> None:
        self.status = AIJobStatus.FAILED
";
    assert_eq!(
        stores(text),
        [
            "AIJobStatus.RUNNING",
            "STATES[STATES.index(job.status) + 1]",
            "next_state(job)",
            "target",
            "status",
            "s",
            "AIJobStatus.QUEUED if ok else AIJobStatus.FAILED",
            "x",
            "job.status",
            "payload.status",
            "body.status",
            "payload.model_dump()",
            "{'prompt': p, 'status': 'running'}",
            "dict(status=next_state)",
            "next_state", // the keyword inside it too (a rule reports the place once)
            "AIJobStatus.SUCCEEDED",
            "AIJobStatus.FAILED",
        ]
    );
}

#[test]
fn a_name_is_looked_up_in_its_function_then_in_the_module() {
    let text = "\
def record(session, state=INITIAL):
    job.status = state
def listing(session, state: str):
    return select(AIJob).filter_by(status=state)
INITIAL = 'queued'
def other(session):
    job.status = INITIAL
def moved(session, INITIAL):
    job.status = INITIAL
";
    assert_eq!(stores(text), ["INITIAL"]);
}

#[test]
fn a_name_bound_in_a_cycle_is_not_followed_forever() {
    assert_eq!(stores("a = b\nb = a\njob.status = a\n"), ["a"]);
}
