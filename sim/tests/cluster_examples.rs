//! The cluster examples users copy, checked without a cluster: examples/slurm/'s job scripts run
//! under bash with the variables Slurm sets, submit.sh with a stand-in `sbatch`, and
//! examples/k8s/'s manifests read as YAML and held to what an Indexed Job and its merge need.
//! (scripts/slurm-local-test.sh runs the Slurm path on a real one-node Slurm; CI runs it.)

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{scenario, stderr, tensorsim};
use serde_yaml::Value;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tensorsim-cluster-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(path)
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// `script` run by bash with `vars` set over this process's environment, less `unset`.
fn bash_command(script: &Path, args: &[&str], vars: &[(&str, &str)], unset: &[&str]) -> Command {
    let mut command = Command::new("bash");
    command.arg(script).args(args).envs(vars.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for name in unset {
        command.env_remove(name);
    }
    command
}

fn bash(script: &Path, args: &[&str], vars: &[(&str, &str)], unset: &[&str]) -> Output {
    bash_command(script, args, vars, unset).output().expect("bash runs")
}

/// The point folders a sweep folder holds (`points/000003` …), sorted.
fn points_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("points"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_sbatch_scripts_run_as_slurm_runs_them_each_task_its_shard_and_the_merge_every_shard() {
    // Which shards merge into one sweep's bytes is sweep_cli's test (and, through Slurm,
    // scripts/slurm-local-test.sh's); here: that the scripts hand each task its shard and folder.
    let dir = temp_dir("sbatch");
    let (sweep, out) = (scenario("sweeps/smoke-kappa.yaml"), dir.join("out"));
    let common = [
        ("TENSORSIM", env!("CARGO_BIN_EXE_tensorsim")),
        ("SWEEP", sweep.to_str().unwrap()),
        ("SWEEP_OUT", out.to_str().unwrap()),
    ];
    // Three tasks of `sbatch --array=0-2 --cpus-per-task=2`, as Slurm starts them: at once.
    let tasks = ["0", "1", "2"].map(|task| {
        let slurm = [("SLURM_ARRAY_TASK_ID", task), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_CPUS_PER_TASK", "2")];
        let vars: Vec<_> = common.iter().chain(&slurm).copied().collect();
        (task, bash_command(&example("slurm/sweep.sbatch"), &[], &vars, &[]).spawn().expect("bash runs"))
    });
    for (task, child) in tasks {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "task {task}: {}", stderr(&output));
    }
    // 6 points: task I ran the points I and I + 3, and only those.
    for (task, expected) in [(0, ["000000", "000003"]), (1, ["000001", "000004"]), (2, ["000002", "000005"])] {
        assert_eq!(points_in(&out.join(format!("shard-{task}"))), expected, "task {task}");
    }
    // The merge finds every point (it names the first one missing otherwise): a row each.
    let vars: Vec<_> = common.iter().chain(&[("SWEEP_SHARDS", "3")]).copied().collect();
    let output = bash(&example("slurm/merge.sbatch"), &[], &vars, &[]);
    assert!(output.status.success(), "merge: {}", stderr(&output));
    assert_eq!(read(&out.join("sweep.csv")).lines().count(), 1 + 6);

    // Outside a job array there is no shard to run: said, before tensorsim starts.
    let output = bash(&example("slurm/sweep.sbatch"), &[], &common, &["SLURM_ARRAY_TASK_ID"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("not a job array task"), "{}", stderr(&output));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn submit_queues_the_array_then_a_merge_that_waits_for_every_shard_to_succeed() {
    let dir = temp_dir("submit");
    // A stand-in sbatch: records its arguments and the variables the jobs would get, and answers
    // as `sbatch --parsable` does on a multi-cluster site ("ID;cluster"), IDs 41 then 42.
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("sbatch.log");
    let stand_in = format!(
        "#!/bin/bash\necho \"$* | $SWEEP | $SWEEP_OUT | $SWEEP_SHARDS | $TENSORSIM\" >> {log}\n\
         echo \"$((41 + $(wc -l < {log}) - 1));cluster\"\n",
        log = log.display()
    );
    let sbatch = bin.join("sbatch");
    std::fs::write(&sbatch, stand_in).unwrap();
    std::fs::set_permissions(&sbatch, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let vars = [("PATH", path.as_str()), ("TENSORSIM", env!("CARGO_BIN_EXE_tensorsim"))];
    let submit = example("slurm/submit.sh");
    let sweep = scenario("sweeps/smoke-kappa.yaml");
    let out = std::fs::canonicalize(&dir).unwrap().join("out");

    let output = bash(&submit, &[sweep.to_str().unwrap(), "3", out.to_str().unwrap()], &vars, &["SWEEP_CPUS"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "41 42\n");
    let calls = read(&log);
    let calls: Vec<&str> = calls.lines().collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    for flag in ["--array=0-2 ", "--cpus-per-task=2 ", "/logs/shard-%a.out ", "slurm/sweep.sbatch |"] {
        assert!(calls[0].contains(flag), "{flag} in {}", calls[0]);
    }
    for flag in ["--dependency=afterok:41 ", "--kill-on-invalid-dep=yes ", "slurm/merge.sbatch |"] {
        assert!(calls[1].contains(flag), "{flag} in {}", calls[1]);
    }
    // The jobs get absolute paths, whatever directory they start in, and the shard count.
    let binary = std::fs::canonicalize(env!("CARGO_BIN_EXE_tensorsim")).unwrap();
    let handed = format!(
        "| {} | {} | 3 | {}",
        std::fs::canonicalize(&sweep).unwrap().display(),
        out.display(),
        binary.display()
    );
    assert!(calls.iter().all(|call| call.ends_with(&handed)), "{calls:?} should end with {handed}");

    let output = bash(&submit, &[sweep.to_str().unwrap(), "0", out.to_str().unwrap()], &vars, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("N: expected a number of shards"), "{}", stderr(&output));
    assert_eq!(read(&log).lines().count(), 2, "nothing more was submitted");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The one document of a manifest file.
fn manifest(path: &str) -> Value {
    serde_yaml::from_str(&read(&example(path))).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"))
}

/// The command of a Job's only container, as strings.
fn command_of(job: &Value) -> Vec<String> {
    let containers = job["spec"]["template"]["spec"]["containers"].as_sequence().expect("containers");
    assert_eq!(containers.len(), 1);
    let command = containers[0]["command"].as_sequence().expect("a command");
    command.iter().map(|word| word.as_str().expect("a command's words are strings").to_owned()).collect()
}

/// The word after `flag` in `command`.
fn after<'a>(command: &'a [String], flag: &str) -> &'a str {
    let at = command.iter().position(|word| word == flag).unwrap_or_else(|| panic!("{flag} in {command:?}"));
    &command[at + 1]
}

/// Every `--flag` of `command` is one `tensorsim <subcommand> --help` lists.
fn assert_flags_exist(command: &[String], subcommand: &str) {
    let help = String::from_utf8_lossy(&tensorsim(&[subcommand, "--help"], None).stdout).into_owned();
    for flag in command.iter().filter(|word| word.starts_with("--")) {
        let listed = help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n"));
        assert!(listed, "{flag} is not in {subcommand} --help");
    }
}

/// The Job's pods mount the claim `claim` at the folder `path` is under.
fn assert_on_claim(job: &Value, claim: &str, path: &str) {
    let pod = &job["spec"]["template"]["spec"];
    let volume =
        pod["volumes"].as_sequence().unwrap().iter().find(|v| v["persistentVolumeClaim"]["claimName"] == claim);
    let volume = volume.unwrap_or_else(|| panic!("no volume of claim {claim}"))["name"].as_str().unwrap();
    let mounts = pod["containers"][0]["volumeMounts"].as_sequence().unwrap();
    let mount = mounts.iter().find(|m| m["name"] == volume).expect("the claim's volume is mounted");
    let mount_path = format!("{}/", mount["mountPath"].as_str().unwrap());
    assert!(path.starts_with(&mount_path), "{path} is not on the shared volume ({mount_path})");
}

#[test]
fn the_kubernetes_indexed_job_and_its_merge_agree_on_the_shards_the_volume_and_the_flags() {
    let (claim, sweep, merge) =
        (manifest("k8s/volume.yaml"), manifest("k8s/sweep-job.yaml"), manifest("k8s/merge-job.yaml"));
    assert_eq!(claim["kind"], "PersistentVolumeClaim");
    // Pods on different nodes write their shards at once.
    assert_eq!(claim["spec"]["accessModes"][0], "ReadWriteMany");
    let claim = claim["metadata"]["name"].as_str().unwrap();

    for job in [&sweep, &merge] {
        assert_eq!((job["apiVersion"].as_str(), job["kind"].as_str()), (Some("batch/v1"), Some("Job")));
        assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
    }
    let spec = &sweep["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    let shards = spec["completions"].as_u64().expect("completions: a number");
    let parallelism = spec["parallelism"].as_u64().expect("parallelism: a number");
    assert!((1..=shards).contains(&parallelism), "parallelism {parallelism} of {shards}");

    let command = command_of(&sweep);
    assert_eq!(command[..2], ["tensorsim", "sweep"]);
    // The sweep the image holds at /scenarios is one of the repository's scenarios/.
    let file = command[2].strip_prefix("/scenarios/").expect("a sweep under /scenarios");
    assert!(scenario(file).is_file(), "scenarios/{file}");
    assert_eq!(after(&command, "--shard"), format!("$(JOB_COMPLETION_INDEX)/{shards}"));
    let out = after(&command, "--out");
    let folder = out.strip_suffix("/shard-$(JOB_COMPLETION_INDEX)").expect("--out DIR/shard-$(JOB_COMPLETION_INDEX)");
    assert_on_claim(&sweep, claim, out);
    assert_flags_exist(&command, "sweep");
    // Bad input fails the Job at once, and the rule names the container it watches.
    let rule = &spec["podFailurePolicy"]["rules"][0];
    assert_eq!((rule["action"].as_str(), rule["onExitCodes"]["values"][0].as_u64()), (Some("FailJob"), Some(2)));
    assert_eq!(rule["onExitCodes"]["containerName"], sweep["spec"]["template"]["spec"]["containers"][0]["name"]);

    // The merge: every shard's folder, by name, into the sweep's folder, on the same claim.
    let command = command_of(&merge);
    let mut expected = vec!["tensorsim".to_owned(), "merge".to_owned()];
    expected.extend((0..shards).map(|shard| format!("{folder}/shard-{shard}")));
    expected.extend(["--out".to_owned(), folder.to_owned()]);
    assert_eq!(command, expected);
    assert_on_claim(&merge, claim, &format!("{folder}/shard-0"));
    assert_flags_exist(&command, "merge");
}
