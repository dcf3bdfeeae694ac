//! Stage 7, faults: each fault's targets resolved to nodes, its end after its start, and what
//! the report says of it. A fault with an end (a restart, a heal) is two entries of the schedule;
//! the block producer's own faults also go to the chain node.

use tensorsim_actors::chain_node::ProducerFault;
use tensorsim_actors::protocol::NodeId;

use super::lookup::{nodes_named, nodes_named_all};
use crate::scenario::error::{ScenarioError, invalid};
use crate::scenario::plan::{NodeFault, NodePlan, ScheduledFault};
use crate::scenario::types::{Blocks, Bounded, FaultSpec, LatencySpec, Millis, Probability};

/// The node of the chain, which producer faults are applied by.
const CHAIN: NodeId = 0;

/// The faults in block order, and the block producer's.
#[derive(Debug)]
pub(super) struct FaultPlan {
    pub faults: Vec<ScheduledFault>,
    pub producer_faults: Vec<ProducerFault>,
}

pub(super) fn resolve(specs: &[FaultSpec], nodes: &[NodePlan]) -> Result<FaultPlan, ScenarioError> {
    let mut plan = FaultPlan { faults: Vec::new(), producer_faults: Vec::new() };
    for (f, spec) in specs.iter().enumerate() {
        let path = format!("faults[{f}]");
        let scheduled = match spec {
            FaultSpec::Crash { node, at_block, restart_at_block } => {
                crash(nodes, &path, node, *at_block, *restart_at_block)?
            }
            FaultSpec::Offline { node, at_block, until_block } => offline(nodes, &path, node, *at_block, *until_block)?,
            FaultSpec::Partition { sides, at_block, heal_at_block } => {
                partition(nodes, &path, sides, *at_block, *heal_at_block)?
            }
            FaultSpec::Link { from, to, at_block, until_block, latency, loss } => {
                let window = (*at_block, *until_block);
                link(nodes, &path, (from, to), window, *latency, *loss)?
            }
            FaultSpec::ClockSkew { node, at_block, offset_ms, drift_ppm } => {
                clock_skew(nodes, &path, node, *at_block, *offset_ms, *drift_ppm)?
            }
            FaultSpec::BlockProducer { at_block, stall_ms, block_time_ms, until_block } => {
                let (scheduled, producer) = block_producer(&path, *at_block, *stall_ms, *block_time_ms, *until_block)?;
                plan.producer_faults.push(producer);
                scheduled
            }
        };
        plan.faults.extend(scheduled);
    }
    plan.faults.sort_by_key(|fault| fault.at_block);
    Ok(plan)
}

fn scheduled(at_block: u64, description: String, fault: NodeFault) -> ScheduledFault {
    ScheduledFault { at_block, description, fault }
}

/// An end block (at `path.field`) is after the start.
fn check_after(path: &str, field: &str, at_block: Blocks, end: Option<Blocks>) -> Result<(), ScenarioError> {
    match end {
        Some(end) if end.get() <= at_block.get() => {
            invalid(format!("{path}.{field}"), format!("{} is not after at_block {}", end.get(), at_block.get()))
        }
        _ => Ok(()),
    }
}

fn crash(
    nodes: &[NodePlan],
    path: &str,
    node: &str,
    at_block: Blocks,
    restart_at_block: Option<Blocks>,
) -> Result<Vec<ScheduledFault>, ScenarioError> {
    let targets = nodes_named(nodes, node, &format!("{path}.crash.node"))?;
    if targets.contains(&CHAIN) {
        return invalid(format!("{path}.crash.node"), "the chain does not crash (stall its producer instead)");
    }
    check_after(path, "crash.restart_at_block", at_block, restart_at_block)?;
    let mut faults =
        vec![scheduled(at_block.get(), format!("crash {node}"), NodeFault::Crash { nodes: targets.clone() })];
    if let Some(restart) = restart_at_block {
        faults.push(scheduled(restart.get(), format!("restart {node}"), NodeFault::Restart { nodes: targets }));
    }
    Ok(faults)
}

fn offline(
    nodes: &[NodePlan],
    path: &str,
    node: &str,
    at_block: Blocks,
    until_block: Option<Blocks>,
) -> Result<Vec<ScheduledFault>, ScenarioError> {
    let targets = nodes_named(nodes, node, &format!("{path}.offline.node"))?;
    check_after(path, "offline.until_block", at_block, until_block)?;
    let mut faults =
        vec![scheduled(at_block.get(), format!("{node} offline"), NodeFault::Offline { nodes: targets.clone() })];
    if let Some(until) = until_block {
        faults.push(scheduled(until.get(), format!("{node} back online"), NodeFault::Online { nodes: targets }));
    }
    Ok(faults)
}

fn partition(
    nodes: &[NodePlan],
    path: &str,
    sides: &[Vec<String>],
    at_block: Blocks,
    heal_at_block: Option<Blocks>,
) -> Result<Vec<ScheduledFault>, ScenarioError> {
    if sides.len() < 2 {
        return invalid(format!("{path}.partition.sides"), "a partition has at least two sides");
    }
    let mut resolved = Vec::with_capacity(sides.len());
    for (s, side) in sides.iter().enumerate() {
        resolved.push(nodes_named_all(nodes, side, &format!("{path}.partition.sides[{s}]"))?);
    }
    check_after(path, "partition.heal_at_block", at_block, heal_at_block)?;
    let text = sides.iter().map(|side| side.join("+")).collect::<Vec<_>>().join(" | ");
    let mut faults =
        vec![scheduled(at_block.get(), format!("partition {text}"), NodeFault::Partition { sides: resolved.clone() })];
    if let Some(heal) = heal_at_block {
        faults.push(scheduled(heal.get(), format!("heal {text}"), NodeFault::Heal { sides: resolved }));
    }
    Ok(faults)
}

fn link(
    nodes: &[NodePlan],
    path: &str,
    (from, to): (&[String], &[String]),
    (at_block, until_block): (Blocks, Option<Blocks>),
    latency: Option<LatencySpec>,
    loss: Option<Probability>,
) -> Result<Vec<ScheduledFault>, ScenarioError> {
    let sources = nodes_named_all(nodes, from, &format!("{path}.link.from"))?;
    let destinations = nodes_named_all(nodes, to, &format!("{path}.link.to"))?;
    if let Some(LatencySpec::Uniform { min_ms, max_ms }) = latency
        && min_ms.0 > max_ms.0
    {
        return invalid(format!("{path}.link.latency.uniform"), "min_ms is above max_ms");
    }
    check_after(path, "link.until_block", at_block, until_block)?;
    let text = format!("{} → {}", from.join("+"), to.join("+"));
    let mut what = format!("link {text}:");
    if let Some(latency) = latency {
        what += &format!(" latency {latency}");
    }
    if let Some(loss) = loss {
        what += &format!(" loss {}", loss.0);
    }
    let fault = NodeFault::Link { from: sources.clone(), to: destinations.clone(), latency, loss: loss.map(|p| p.0) };
    let mut faults = vec![scheduled(at_block.get(), what, fault)];
    if let Some(until) = until_block {
        let reset = NodeFault::LinkReset { from: sources, to: destinations };
        faults.push(scheduled(until.get(), format!("link {text} restored"), reset));
    }
    Ok(faults)
}

fn clock_skew(
    nodes: &[NodePlan],
    path: &str,
    node: &str,
    at_block: Blocks,
    offset_ms: i64,
    drift_ppm: i64,
) -> Result<Vec<ScheduledFault>, ScenarioError> {
    let targets = nodes_named(nodes, node, &format!("{path}.clock_skew.node"))?;
    if offset_ms.unsigned_abs() > 86_400_000 || drift_ppm.unsigned_abs() > 1_000_000 {
        return invalid(format!("{path}.clock_skew"), "|offset_ms| ≤ 86400000 and |drift_ppm| ≤ 1000000");
    }
    let fault = NodeFault::ClockSkew { nodes: targets, offset_ms, drift_ppm };
    Ok(vec![scheduled(at_block.get(), format!("clock of {node} {offset_ms:+} ms, {drift_ppm:+} ppm"), fault)])
}

fn block_producer(
    path: &str,
    at_block: Blocks,
    stall_ms: Option<Millis>,
    block_time_ms: Option<Bounded<1, 3_600_000>>,
    until_block: Option<Blocks>,
) -> Result<(Vec<ScheduledFault>, ProducerFault), ScenarioError> {
    if stall_ms.is_none() && block_time_ms.is_none() {
        return invalid(format!("{path}.block_producer"), "give stall_ms, block_time_ms or both");
    }
    check_after(path, "block_producer.until_block", at_block, until_block)?;
    let mut what = "block producer".to_string();
    if let Some(stall) = stall_ms {
        what += &format!(" stalls {} ms", stall.get());
    }
    if let Some(time) = block_time_ms {
        what += &format!(" produces every {} ms", time.get());
        if let Some(until) = until_block {
            what += &format!(" until block {}", until.get());
        }
    }
    let producer = ProducerFault {
        at_block: at_block.get(),
        stall_us: stall_ms.map_or(0, |ms| ms.get() * 1_000),
        block_time_us: block_time_ms.map(|ms| ms.get() * 1_000),
        until_block: until_block.map(Bounded::get),
    };
    Ok((vec![scheduled(at_block.get(), what, NodeFault::Chain)], producer))
}

#[cfg(test)]
mod tests {
    use tensorsim_actors::chain_node::ProducerFault;

    use super::{FaultPlan, resolve};
    use crate::scenario::plan::NodeFault;
    use crate::scenario::resolve::fixtures::{error, nodes, scenario, scenario_with};
    use crate::scenario::types::Scenario;

    const CRASH: &str = "crash: {node: miners/1, at_block: 5, restart_at_block: 8}";

    fn faults(scenario: &Scenario) -> Result<FaultPlan, crate::scenario::ScenarioError> {
        resolve(&scenario.faults, &nodes(scenario))
    }

    /// The fixture with its one fault replaced by `fault`.
    fn fault(fault: &str) -> Result<FaultPlan, crate::scenario::ScenarioError> {
        faults(&scenario_with(CRASH, fault))
    }

    #[test]
    fn a_crash_with_a_restart_is_two_entries_of_the_schedule() {
        let plan = faults(&scenario()).unwrap();
        let schedule: Vec<_> = plan.faults.iter().map(|f| (f.at_block, f.description.as_str(), &f.fault)).collect();
        assert_eq!(
            schedule,
            [
                (5, "crash miners/1", &NodeFault::Crash { nodes: vec![5] }),
                (8, "restart miners/1", &NodeFault::Restart { nodes: vec![5] }),
            ]
        );
        assert!(plan.producer_faults.is_empty());
    }

    #[test]
    fn faults_are_scheduled_in_block_order_and_a_group_is_all_its_nodes() {
        let plan =
            fault("offline: {node: honest, at_block: 9, until_block: 12}\n  - crash: {node: cabal/0, at_block: 3}")
                .unwrap();
        let schedule: Vec<_> = plan.faults.iter().map(|f| (f.at_block, f.description.as_str(), &f.fault)).collect();
        assert_eq!(
            schedule,
            [
                (3, "crash cabal/0", &NodeFault::Crash { nodes: vec![3] }),
                (9, "honest offline", &NodeFault::Offline { nodes: vec![1, 2] }),
                (12, "honest back online", &NodeFault::Online { nodes: vec![1, 2] }),
            ]
        );
    }

    #[test]
    fn a_crash_fault_naming_the_chain_is_refused() {
        assert_eq!(
            error(fault("crash: {node: chain, at_block: 5}")),
            "faults[0].crash.node: the chain does not crash (stall its producer instead)"
        );
    }

    #[test]
    fn a_fault_ending_before_it_starts_is_refused() {
        assert_eq!(
            error(fault("crash: {node: miners/1, at_block: 5, restart_at_block: 4}")),
            "faults[0].crash.restart_at_block: 4 is not after at_block 5"
        );
        assert_eq!(
            error(fault("offline: {node: miners/1, at_block: 5, until_block: 5}")),
            "faults[0].offline.until_block: 5 is not after at_block 5"
        );
    }

    #[test]
    fn a_fault_naming_no_node_is_refused_at_that_name() {
        assert_eq!(
            error(fault("offline: {node: miners/3, at_block: 5}")),
            "faults[0].offline.node: no node or group \"miners/3\""
        );
    }

    #[test]
    fn a_partition_of_one_side_is_refused() {
        assert_eq!(
            error(fault("partition: {sides: [[honest, miners]], at_block: 5}")),
            "faults[0].partition.sides: a partition has at least two sides"
        );
    }

    #[test]
    fn a_partition_naming_no_node_is_refused_at_its_side_and_index() {
        assert_eq!(
            error(fault("partition: {sides: [[honest], [miners, ghost]], at_block: 5}")),
            "faults[0].partition.sides[1][1]: no node or group \"ghost\""
        );
    }

    #[test]
    fn a_partition_heals_the_sides_it_cut() {
        let plan = fault("partition: {sides: [[honest], [miners/0, chain]], at_block: 5, heal_at_block: 7}").unwrap();
        let sides = vec![vec![1, 2], vec![4, 0]];
        assert_eq!(plan.faults[0].description, "partition honest | miners/0+chain");
        assert_eq!(plan.faults[0].fault, NodeFault::Partition { sides: sides.clone() });
        assert_eq!((plan.faults[1].at_block, plan.faults[1].description.as_str()), (7, "heal honest | miners/0+chain"));
        assert_eq!(plan.faults[1].fault, NodeFault::Heal { sides });
    }

    #[test]
    fn a_link_fault_says_its_latency_and_loss_and_is_restored() {
        let plan = fault("link: {from: [miners/0], to: [honest], at_block: 5, until_block: 9, latency: {fixed: {ms: 30}}, loss: 0.25}")
            .unwrap();
        assert_eq!(plan.faults[0].description, "link miners/0 → honest: latency 30 ms loss 0.25");
        assert!(
            matches!(&plan.faults[0].fault, NodeFault::Link { from, to, loss: Some(0.25), .. } if from == &[4] && to == &[1, 2])
        );
        assert_eq!(plan.faults[1].description, "link miners/0 → honest restored");
        assert_eq!(plan.faults[1].fault, NodeFault::LinkReset { from: vec![4], to: vec![1, 2] });
    }

    #[test]
    fn a_uniform_latency_with_its_minimum_above_its_maximum_is_refused() {
        assert_eq!(
            error(fault(
                "link: {from: [miners], to: [honest], at_block: 5, latency: {uniform: {min_ms: 9, max_ms: 8}}}"
            )),
            "faults[0].link.latency.uniform: min_ms is above max_ms"
        );
    }

    #[test]
    fn a_clock_skew_beyond_a_day_is_refused() {
        assert_eq!(
            error(fault("clock_skew: {node: honest/0, at_block: 5, offset_ms: -86400001}")),
            "faults[0].clock_skew: |offset_ms| ≤ 86400000 and |drift_ppm| ≤ 1000000"
        );
        let plan = fault("clock_skew: {node: honest/0, at_block: 5, offset_ms: -86400000, drift_ppm: 20}").unwrap();
        assert_eq!(plan.faults[0].description, "clock of honest/0 -86400000 ms, +20 ppm");
    }

    #[test]
    fn a_block_producer_fault_without_a_stall_or_a_block_time_is_refused() {
        assert_eq!(
            error(fault("block_producer: {at_block: 5, until_block: 9}")),
            "faults[0].block_producer: give stall_ms, block_time_ms or both"
        );
    }

    #[test]
    fn a_block_producer_fault_goes_to_the_chain_node_and_the_schedule() {
        let plan = fault("block_producer: {at_block: 5, stall_ms: 3000, block_time_ms: 6000, until_block: 9}").unwrap();
        assert_eq!(plan.faults[0].description, "block producer stalls 3000 ms produces every 6000 ms until block 9");
        assert_eq!(plan.faults[0].fault, NodeFault::Chain);
        let expected =
            ProducerFault { at_block: 5, stall_us: 3_000_000, block_time_us: Some(6_000_000), until_block: Some(9) };
        assert_eq!(plan.producer_faults, [expected]);
    }
}
