//! CronJobs as jobs and backup policies, Velero schedules as backup policies.

use super::Cluster;
use crate::import::Imported;

impl Cluster<'_> {
    /// CronJobs and Velero objects.
    pub(super) fn batch(&mut self, _out: &mut Imported) {}
}
