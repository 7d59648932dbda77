use super::*;
use alloc::vec;
use std::println;

fn describe(grade: &Grade) -> String {
    grade
        .checks
        .iter()
        .map(|c| format!("[{}] {} -> {}", if c.passed { "ok" } else { "FAIL" }, c.label, c.feedback))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_lesson_file_parses() {
    for (file, text) in LESSON_FILES {
        if let Err(err) = parse_lesson(text) {
            panic!("{file}: {err}");
        }
    }
    assert_eq!(lessons().len(), LESSON_FILES.len());
}

#[test]
fn the_course_has_at_least_26_lessons_in_a_strict_order_with_unique_ids() {
    let all = lessons();
    assert!(all.len() >= 26, "{} lessons", all.len());
    let orders: Vec<u32> = all.iter().map(|l| l.order).collect();
    assert_eq!(orders, (1..=all.len() as u32).collect::<Vec<_>>());
    for (i, l) in all.iter().enumerate() {
        assert!(all[..i].iter().all(|other| other.id != l.id), "id {} twice", l.id);
        assert_eq!(lesson(&l.id).as_ref(), Some(l));
    }
    assert_eq!(lesson("no-such-lesson"), None);
}

#[test]
fn every_lesson_is_complete_and_bounded() {
    for l in lessons() {
        assert!(!l.title.is_empty() && !l.task.is_empty() && !l.show_me.is_empty(), "{}", l.id);
        assert!((1..=4).contains(&l.narrative.len()), "{}: a few paragraphs", l.id);
        assert!(!l.hints.is_empty(), "{}: hints", l.id);
        if l.is_reading() {
            // A reading lesson says plainly what the simulator cannot show, and is passed by its quiz.
            assert!(l.not_simulated.as_ref().is_some_and(|n| !n.is_empty()), "{}: say what is not simulated", l.id);
            assert!(l.quiz.len() >= 3, "{}: a reading lesson needs at least 3 questions", l.id);
        } else {
            assert_eq!(l.not_simulated, None, "{}: a graded lesson runs what it teaches", l.id);
        }
        assert!((1..=RUN_S_MAX).contains(&l.run_s), "{}: run length {}", l.id, l.run_s);
        for check in &l.checks {
            if let Check::Metric { last_s: Some(w), .. } = check {
                assert!(*w <= l.run_s, "{}: window {w} s longer than the run", l.id);
            }
        }
    }
}

#[test]
fn starting_and_reference_scenarios_build_and_validate() {
    for l in lessons() {
        let start = start_scenario(&l).unwrap_or_else(|e| panic!("{}: start: {e}", l.id));
        assert_eq!(start.validate(), Ok(()), "{}: start", l.id);
        assert_eq!(start.seed, l.seed, "{}", l.id);
        let reference = reference_scenario(&l).unwrap_or_else(|e| panic!("{}: reference: {e}", l.id));
        assert_eq!(reference.validate(), Ok(()), "{}: reference", l.id);
        if !l.is_reading() {
            assert_ne!(start, reference, "{}: the reference must change something", l.id);
        }
        // Every node runs: on-demand streams and scheduled stream changes included.
        for (which, scenario) in [("start", &start), ("reference", &reference)] {
            assert_eq!(scenario.not_simulated(), [], "{}: {which}", l.id);
        }
    }
}

#[test]
fn every_reference_passes_and_every_start_fails() {
    for l in lessons().into_iter().filter(|l| !l.is_reading()) {
        let start = grade(&l, &start_scenario(&l).expect("checked by another test"));
        println!("{} start:\n{}", l.id, describe(&start));
        assert!(!start.passed, "{}: the starting scenario passes:\n{}", l.id, describe(&start));
        for (check, result) in l.checks.iter().zip(&start.checks) {
            if check.runs() && !result.passed {
                assert!(result.measured.is_some(), "{}: {} was not measured", l.id, result.label);
                assert!(result.feedback.contains(&result.measured_text), "{}: {}", l.id, result.feedback);
            }
        }
        let reference = grade(&l, &reference_scenario(&l).expect("checked by another test"));
        println!("{} reference:\n{}", l.id, describe(&reference));
        assert!(reference.passed, "{}: the reference fails:\n{}", l.id, describe(&reference));
        assert_eq!(reference.checks.len(), l.checks.len());
    }
}

#[test]
fn quiz_answers_are_among_the_choices_and_ids_are_unique() {
    let mut questions = 0;
    for l in lessons() {
        for (i, q) in l.quiz.iter().enumerate() {
            assert!(q.choices.len() >= 2, "{}/{}", l.id, q.id);
            assert!((q.answer as usize) < q.choices.len(), "{}/{}: answer {}", l.id, q.id, q.answer);
            assert!(l.quiz[..i].iter().all(|other| other.id != q.id), "{}/{} twice", l.id, q.id);
            assert!(!q.explanation.is_empty());
            let right = check_quiz(&l, &q.id, q.answer);
            assert!(right.correct && right.answer == Some(q.answer));
            let wrong = check_quiz(&l, &q.id, (q.answer + 1) % q.choices.len() as u32);
            assert!(!wrong.correct && wrong.explanation == q.explanation);
            questions += 1;
        }
    }
    assert!(questions >= 20, "{questions} questions");
}

#[test]
fn an_unknown_question_or_choice_is_answered_not_panicked() {
    let l = lesson("what-is-a-stream").expect("the first lesson exists");
    let none = check_quiz(&l, "nope", 0);
    assert!(!none.correct && none.answer.is_none() && none.explanation.contains("'nope'"));
    assert!(!check_quiz(&l, "read-removes", u32::MAX).correct);
}

#[test]
fn failing_metric_feedback_names_the_measured_value() {
    // 3,000 records/s offered to 2 shards that take 1,000 each: 1,000 records/s are refused on all 3 attempts
    // (90,000 throttles in 30 s, give or take the window's edges), and no more than every attempt of every
    // record can be refused (3 × 3,000 × 30 = 270,000).
    let l = lesson("shards-and-write-limits").expect("exists");
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    let throttles = &g.checks[2];
    assert!(!throttles.passed);
    let measured = throttles.measured.expect("a run-based check measures");
    assert!((80_000.0..=270_000.0).contains(&measured), "got {measured}");
    assert!(throttles.feedback.contains(&throttles.measured_text), "{}", throttles.feedback);
    assert!(throttles.feedback.contains("keep it at most 0 records"), "{}", throttles.feedback);
    let accepted = &g.checks[3];
    // At most 2 shards × 1,000 records/s get through.
    assert!(accepted.measured.is_some_and(|v| v <= 2_000.0), "{accepted:?}");
    assert!(accepted.feedback.contains(&accepted.measured_text), "{}", accepted.feedback);
}

#[test]
fn iterator_age_feedback_names_the_consumer_and_seconds() {
    // Three readers of 3.9 MiB/s on 2 shards want 11.7 MiB/s of reads where 4 MiB/s exist: they fall behind.
    let l = lesson("design-and-size").expect("exists");
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    let age = g.checks.iter().find(|c| c.label.starts_with("iterator age")).expect("the lesson checks it");
    assert!(!age.passed);
    assert!(age.measured.is_some_and(|ms| ms > 5_000.0), "{age:?}");
    assert!(age.measured_text.ends_with(" s"), "{}", age.measured_text);
    assert!(age.feedback.contains(&age.measured_text) && age.feedback.contains("('"), "{}", age.feedback);
    assert!(age.feedback.ends_with("keep it at most 5.0 s"), "{}", age.feedback);
}

#[test]
fn read_throttle_feedback_names_the_count() {
    // Three readers polling every 200 ms make 15 calls/s against the shard's 5: most are refused.
    let l = lesson("read-limits-and-fan-out").expect("exists");
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    let throttled = g.checks.iter().find(|c| c.label.starts_with("throttled GetRecords")).expect("checked");
    assert!(!throttled.passed && throttled.feedback.contains(&throttled.measured_text), "{throttled:?}");
}

#[test]
fn structural_feedback_says_what_is_missing() {
    let l = lesson("four-services").expect("exists");
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    assert!(g.checks[0].feedback.contains("no data stream sends to a Firehose delivery stream yet"), "{g:?}");
    // The first edition's replay checks, on the replay lesson's start.
    let mut l = lesson("retention-and-replay").expect("exists");
    let retention = Check::Param {
        node_kind: "data_stream".into(),
        key: "retention_hours".into(),
        min: Some(168.0),
        max: None,
        equals: None,
        contains: None,
        every: false,
    };
    l.checks = vec![retention, Check::HasNode { node_kind: "consumer".into(), count_min: 2 }];
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    assert_eq!(g.checks[0].feedback, "'payments' has retention_hours = 24; set it to at least 168");
    assert_eq!(g.checks[1].feedback, "the pipeline has 1 consumer; add 1 more");
}

#[test]
fn reshard_check_applies_the_half_to_double_rule() {
    let l = lesson("resharding").expect("exists");
    let mut s = start_scenario(&l).expect("builds");
    let stream = s.pipeline.nodes.iter().find(|n| n.name == "events").map(|n| n.id).expect("exists");
    s.scheduled.push(shardlab_scenario::ScheduledEvent {
        at_ms: 10_000,
        action: shardlab_scenario::Action::UpdateShardCount { stream, target_shards: 8 },
    });
    let g = grade(&l, &s);
    assert!(!g.passed);
    // 2 open shards may go to 1 to 4 in one call.
    assert!(g.checks[0].feedback.contains("between half and twice the open shards (1 to 4)"), "{g:?}");
}

#[test]
fn the_resharding_lesson_passes_with_a_scheduled_reshard_and_fails_without_enough_of_one() {
    use shardlab_scenario::{Action, ScheduledEvent};
    let l = lesson("resharding").expect("exists");
    let start = start_scenario(&l).expect("builds");
    let stream = start.pipeline.nodes.iter().find(|n| n.name == "events").map(|n| n.id).expect("exists");
    let with = |events: &[(u64, Action)]| {
        let mut s = start.clone();
        s.scheduled =
            events.iter().map(|(at_ms, action)| ScheduledEvent { at_ms: *at_ms, action: action.clone() }).collect();
        grade(&l, &s)
    };
    // Splitting both shards before the step gives 4 shards, as UpdateShardCount to 4 does.
    let split_both =
        with(&[(20_000, Action::SplitShard { stream, shard: 0 }), (25_000, Action::SplitShard { stream, shard: 1 })]);
    assert!(split_both.passed, "{}", describe(&split_both));
    assert!(with(&[(30_000, Action::UpdateShardCount { stream, target_shards: 4 })]).passed);
    // One split leaves the other shard with half the keys: 1,500 records/s after the step, over its 1,000.
    let one_split = with(&[(20_000, Action::SplitShard { stream, shard: 0 })]);
    assert!(!one_split.passed);
    assert!(one_split.checks[0].passed && !one_split.checks[2].passed, "{}", describe(&one_split));
    // A reshard the service refuses (more than double) changes nothing.
    let refused = with(&[(30_000, Action::UpdateShardCount { stream, target_shards: 8 })]);
    assert!(!refused.passed && !refused.checks[2].passed);
}

#[test]
fn the_on_demand_lesson_grades_what_on_demand_does_under_the_spike() {
    let l = lesson("on-demand").expect("exists");
    let reference = grade(&l, &reference_scenario(&l).expect("builds"));
    assert!(reference.passed, "{}", describe(&reference));
    // The spike's peak second is 2,500 records of 512 bytes (one every 400 µs): twice it needs
    // ceil(5,000 / 1,000) = 5 shards (bytes would need only ceil(2 × 2,500 × ~520 ÷ 1,048,576) = 3).
    assert_eq!(reference.checks[2].measured, Some(5.0));
    // Six provisioned shards also pass the spike, but the lesson is about on-demand.
    let mut six = start_scenario(&l).expect("builds");
    let stream = six.pipeline.nodes.iter().find(|n| n.name == "orders").map(|n| n.id).expect("exists");
    six.pipeline.node_mut(stream).expect("exists").set_param("shard_count", "6").expect("allowed");
    let g = grade(&l, &six);
    assert!(!g.passed && !g.checks[0].passed && g.checks[1].passed, "{}", describe(&g));
}

#[test]
fn a_scenario_that_cannot_run_fails_run_checks_with_the_reason() {
    use shardlab_scenario::NodeKind;
    let l = lesson("shards-and-write-limits").expect("exists");
    // A transform program the engine cannot compile: the scenario validates, the engine refuses it.
    let mut s = shardlab_scenario::Scenario::empty();
    let producer = s.add_node(NodeKind::producer());
    let firehose = s.add_node(NodeKind::firehose());
    s.pipeline.connect(producer, firehose).expect("Direct PUT");
    s.pipeline.node_mut(firehose).expect("added").set_param("transform", "custom").expect("a choice");
    s.pipeline.node_mut(firehose).expect("added").set_param("transform_program", "frobnicate .x").expect("text");
    let g = grade(&l, &s);
    assert!(!g.passed);
    let run = &g.checks[2];
    assert!(!run.passed && run.measured.is_none());
    assert!(run.feedback.starts_with("the pipeline could not be run: "), "{}", run.feedback);
    assert!(run.feedback.contains("does not compile"), "{}", run.feedback);
}

#[test]
fn grading_uses_the_lessons_seed_not_the_scenarios() {
    let l = lesson("shards-and-write-limits").expect("exists");
    let mut a = start_scenario(&l).expect("builds");
    let first = grade(&l, &a);
    a.seed = 999;
    assert_eq!(grade(&l, &a), first);
}

#[test]
fn a_run_too_heavy_to_grade_is_refused_not_run() {
    let l = lesson("shards-and-write-limits").expect("exists");
    let mut s = start_scenario(&l).expect("builds");
    let producer = s.pipeline.nodes.iter_mut().find(|n| n.name == "web-shop").expect("exists");
    // 1,000,000 records/s for 60 s is 60 million records, far over the 600,000 a grading run may simulate.
    producer.set_param("records_per_sec", "1000000").expect("within the parameter's range");
    let g = grade(&l, &s);
    let run = &g.checks[2];
    assert!(!run.passed && run.measured.is_none());
    assert!(run.feedback.contains("up to 1,000,000 records/s"), "{}", run.feedback);
    assert!(run.feedback.ends_with("lower the producer rates"), "{}", run.feedback);
    // 9,000 records/s into 1 shard: within the record budget, but 8,000 refused records a second, each retried,
    // need more engine timers per simulated second than grading allows.
    producer_rate(&mut s, "9000");
    let stream = s.pipeline.nodes.iter_mut().find(|n| n.name == "clickstream").expect("exists");
    stream.set_param("shard_count", "1").expect("in range");
    let g = grade(&l, &s);
    assert!(g.checks[2].feedback.contains("more than 20,000 engine steps in one simulated second"), "{g:?}");
}

fn producer_rate(s: &mut shardlab_scenario::Scenario, rate: &str) {
    let producer = s.pipeline.nodes.iter_mut().find(|n| n.name == "web-shop").expect("exists");
    producer.set_param("records_per_sec", rate).expect("within the parameter's range");
}

#[test]
fn checks_with_unknown_fields_or_kinds_do_not_parse() {
    let good = LESSON_FILES[0].1;
    assert!(parse_lesson(good).is_ok());
    let unknown_field = good.replacen("\"check\": \"has_node\",", "\"check\": \"has_node\", \"oops\": 1,", 1);
    assert_ne!(unknown_field, good);
    assert!(parse_lesson(&unknown_field).is_err());
    let unknown_kind = good.replacen("\"check\": \"has_node\"", "\"check\": \"has_robot\"", 1);
    assert!(parse_lesson(&unknown_kind).is_err());
    let unknown_metric = good.replacen("records_read_min", "records_read_maybe", 1);
    assert!(parse_lesson(&unknown_metric).is_err());
}

#[test]
fn broken_lesson_files_are_errors_not_panics() {
    assert!(parse_lesson("").is_err());
    assert!(parse_lesson("{\"id\": 3}").is_err());
    let mut l = lesson("what-is-a-stream").expect("exists");
    l.start.nodes.push(NodeSpec { kind: "robot".into(), name: "x".into(), params: Default::default() });
    assert!(start_scenario(&l).unwrap_err().contains("'robot' is not a node kind"));
    let mut l = lesson("what-is-a-stream").expect("exists");
    l.reference.edits = vec![Edit { node: "clickstream".into(), key: "shard_count".into(), value: "0".into() }];
    assert!(reference_scenario(&l).unwrap_err().contains("shard_count"));
}

#[test]
fn numbers_are_shown_with_separators_and_units() {
    assert_eq!(check::thousands(12_400.0), "12,400");
    assert_eq!(check::decimal(12.44, 1), "12.4");
    assert_eq!(Metric::IteratorAgeMsMax.show(12_400.0), "12.4 s");
    assert_eq!(Metric::IteratorAgeMsMax.show(850.0), "850 ms");
    assert_eq!(Metric::CostUsdPerHour.show(0.18), "$0.1800/hour");
    assert_eq!(Metric::FirehoseDeliveryDelayMsMax.show(60_000.0), "60.0 s");
    assert_eq!(Metric::FirehoseDeliveredRecords.show(10_240.0), "10,240 records");
    assert_eq!(Metric::AnalyticsRows.show(1.0), "1 row");
    assert_eq!(Metric::AnalyticsRows.show(24.0), "24 rows");
}

/// Measures `metrics` over the last 30 s of `lesson`'s reference run (checks with no bounds always pass).
fn measure(lesson: &Lesson, metrics: &[Metric]) -> Vec<f64> {
    let mut l = lesson.clone();
    l.checks = metrics.iter().map(|m| Check::Metric { metric: *m, min: None, max: None, last_s: Some(30) }).collect();
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    assert!(g.passed, "{}", describe(&g));
    g.checks.iter().map(|c| c.measured.expect("a run measures")).collect()
}

#[test]
fn metrics_agree_with_the_arithmetic_of_the_limits_and_prices() {
    // design-and-size's reference: 2,000 records/s of 2,048 bytes with PutRecord into 8 shards, 3 polling readers.
    let l = lesson("design-and-size").expect("exists");
    let m = measure(
        &l,
        &[
            Metric::AcceptedRecordsPerSec,
            Metric::ApiCallsPerSec,
            Metric::KinesisRecordsPerSec,
            Metric::DroppedRecords,
            Metric::ProducerDuplicates,
            Metric::CostUsdPerHour,
            Metric::LatencyP99Ms,
            Metric::WriteThrottledRecordsPerSecMax,
        ],
    );
    let near = |value: f64, want: f64, tolerance: f64| (value - want).abs() <= tolerance;
    assert!(near(m[0], 2_000.0, 20.0), "accepted {}", m[0]);
    // PutRecord: one call and one Kinesis record per user record.
    assert!(near(m[1], 2_000.0, 20.0) && near(m[2], 2_000.0, 20.0), "{m:?}");
    assert_eq!((m[3], m[4]), (0.0, 0.0));
    // 8 shard-hours at $0.015 plus 2,000 × 3,600 PUT payload units (one per record under 25 KB) at $0.014 per million.
    let want = 8.0 * 0.015 + 2_000.0 * 3_600.0 * 0.014 / 1_000_000.0;
    assert!(near(m[5], want, 0.002), "cost {} vs {want}", m[5]);
    // A reader polls each shard once a second, so a record waits at most about a second, plus the put-to-get delay.
    assert!(m[6] > 0.0 && m[6] <= 2_000.0, "p99 {}", m[6]);
    assert_eq!(m[7], 0.0);
}

#[test]
fn kpl_aggregation_cuts_kinesis_records_and_calls() {
    // batching-and-the-kpl's reference: 1,200 records/s of 700 bytes aggregated into 51,200-byte records, so
    // about 70 user records per Kinesis record and up to 500 of those per PutRecords call.
    let l = lesson("batching-and-the-kpl").expect("exists");
    let m = measure(&l, &[Metric::AcceptedRecordsPerSec, Metric::KinesisRecordsPerSec, Metric::ApiCallsPerSec]);
    assert!((m[0] - 1_200.0).abs() <= 12.0, "{m:?}");
    assert!(m[1] >= 1_200.0 / 75.0 && m[1] <= 1_200.0 / 10.0, "Kinesis records/s {}", m[1]);
    assert!(m[2] <= m[1], "one call carries one or more aggregates: {m:?}");
}

#[test]
fn every_lesson_grades_an_empty_or_bare_scenario_without_panicking() {
    for l in lessons() {
        let empty = grade(&l, &shardlab_scenario::Scenario::empty());
        assert!(!empty.passed, "{}", l.id);
        assert_eq!(empty.checks.len(), l.checks.len());
        let mut bare = shardlab_scenario::Scenario::empty();
        bare.add_node(shardlab_scenario::NodeKind::data_stream());
        let bare = grade(&l, &bare);
        assert!(!bare.passed, "{}", l.id);
        assert!(bare.checks.iter().all(|c| !c.feedback.is_empty() && !c.label.is_empty()));
    }
}

#[test]
fn grading_in_slices_gives_the_same_grade_as_one_call() {
    let l = lesson("hot-keys").expect("exists");
    let s = start_scenario(&l).expect("builds");
    let whole = grade(&l, &s);
    let mut grading = Grading::new(&l, &s);
    assert_eq!(grading.progress_percent(), 0);
    let mut slices = 0;
    let sliced = loop {
        slices += 1;
        assert!(slices <= l.run_s, "each slice simulates at least one second");
        if let Some(g) = grading.step(7) {
            break g.clone();
        }
        let done = grading.progress_percent();
        assert!(done > 0 && done < 100, "{done} %");
    };
    // 60 s in slices of 7 s: 9 slices.
    assert_eq!(slices, 9);
    assert_eq!(sliced, whole);
    assert_eq!(grading.progress_percent(), 100);
    assert_eq!(grading.step(7), Some(&whole), "a finished grading keeps its grade");
    // A lesson with structural checks only is graded at once.
    let mut structural = lesson("resharding").expect("exists");
    structural.checks.retain(|c| !matches!(c, Check::Metric { .. }));
    assert!(Grading::new(&structural, &s).step(1).is_some());
}

/// Grades `scenario` against `lesson`'s checks replaced by unbounded `metrics` over `last_s`: what each measured
/// and its feedback.
fn measure_scenario(
    lesson: &Lesson,
    scenario: &shardlab_scenario::Scenario,
    metrics: &[Metric],
    last_s: Option<u32>,
) -> Vec<(f64, String)> {
    let mut l = lesson.clone();
    l.checks = metrics.iter().map(|m| Check::Metric { metric: *m, min: None, max: None, last_s }).collect();
    let g = grade(&l, scenario);
    g.checks.iter().map(|c| (c.measured.expect("a run measures"), c.feedback.clone())).collect()
}

const FIREHOSE: [Metric; 2] = [Metric::FirehoseDeliveredRecords, Metric::FirehoseDeliveryDelayMsMax];

#[test]
fn a_60_s_buffer_interval_at_a_low_rate_writes_an_object_60_s_after_its_first_record() {
    // firehose's reference: 20 records/s of 512 bytes (10,240 B/s) read from the stream once a second, from 1 s.
    // 5 MiB would take 512 s to fill, so the 60 s interval flushes the buffer 60 s after its first record
    // arrived (at 61 s), holding about 60 s of records (1,200); the next buffer starts at 62 s and would be
    // written at 122 s, after the 120 s run.
    let l = lesson("firehose").expect("exists");
    let m = measure_scenario(&l, &reference_scenario(&l).expect("builds"), &FIREHOSE, None);
    assert!((20.0 * 59.0..=20.0 * 62.0).contains(&m[0].0), "{m:?}");
    assert_eq!(m[1].0, 60_000.0, "{m:?}");
    assert_eq!(m[1].1, "Firehose delivery delay ('clicks-to-s3'): 60.0 s, any value as wanted");
    // Over the last 30 s no object is written; the record waiting longest arrived at 62 s: 58 s by 120 s.
    let m = measure_scenario(&l, &reference_scenario(&l).expect("builds"), &FIREHOSE, Some(30));
    assert_eq!(m[0].0, 0.0, "{m:?}");
    assert_eq!(m[1].0, 58_000.0, "{m:?}");
    assert!(m[1].1.contains("still waiting in its buffer"), "{}", m[1].1);
}

#[test]
fn a_300_s_interval_delivers_nothing_in_2_minutes_and_the_feedback_says_so() {
    // firehose's start: the default 300 s interval (5 MiB takes 512 s at 10,240 B/s), so nothing is written in
    // 120 s, and the first record, read at 1 s, has waited 119 s when the run ends.
    let l = lesson("firehose").expect("exists");
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    let delivered = &g.checks[1];
    assert_eq!(delivered.measured, Some(0.0));
    assert_eq!(delivered.feedback, "Firehose delivered 0 records in 120 s; it needs at least 1 record");
    let delay = &g.checks[2];
    assert_eq!(delay.measured, Some(119_000.0));
    assert_eq!(
        delay.feedback,
        "Firehose delivery delay ('clicks-to-s3') reached 119.0 s (a record was still waiting in its buffer when \
         the run ended); keep it at most 60.0 s"
    );
}

#[test]
fn a_5_mib_buffer_fills_about_every_10_s_at_500_kib_per_s() {
    // four-services' reference: 500 records/s of 1,024 bytes read from the stream once a second, from 1 s. The
    // size hint (5 MiB = 5,120 records) is reached by the read at 11 s, 10 s after the first record, and again
    // at 21 s; the third object would be at 31 s, after the 30 s run. Objects hold exactly 5 MiB.
    let l = lesson("four-services").expect("exists");
    let m = measure_scenario(&l, &reference_scenario(&l).expect("builds"), &FIREHOSE, None);
    assert_eq!(m[0].0, 2.0 * 5_120.0, "{m:?}");
    assert_eq!(m[1].0, 10_000.0, "{m:?}");
    assert_eq!(m[0].1, "Firehose delivered 10,240 records in 30 s, any value as wanted");
}

#[test]
fn firehose_metrics_without_a_delivery_stream_say_none_ran() {
    let l = lesson("four-services").expect("exists");
    let m = measure_scenario(&l, &start_scenario(&l).expect("builds"), &FIREHOSE, None);
    assert_eq!(m[0].0, 0.0);
    assert!(m[0].1.contains("(no delivery stream ran: connect one to the data stream or to a producer)"), "{m:?}");
    assert_eq!(m[1].0, 0.0);
    assert!(m[1].1.contains("(no record reached a delivery stream)"), "{m:?}");
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    assert!(g.checks[3].feedback.starts_with("Firehose delivered 0 records in 30 s"), "{}", g.checks[3].feedback);
    assert!(g.checks[3].feedback.ends_with("; it needs at least 1 record"), "{}", g.checks[3].feedback);
}

#[test]
fn a_direct_put_producer_counts_toward_the_grading_budget() {
    // A producer writing straight to a delivery stream is simulated as a Direct PUT feed: 1,000,000 records/s
    // for 30 s is far over the 600,000 records a grading run may simulate.
    let mut l = lesson("four-services").expect("exists");
    let mut params = serde_json::Map::new();
    params.insert("records_per_sec".into(), 1_000_000.into());
    l.reference.nodes.push(NodeSpec { kind: "producer".into(), name: "app".into(), params });
    l.reference.nodes.push(NodeSpec { kind: "firehose".into(), name: "direct".into(), params: Default::default() });
    l.reference.connect.push(["app".into(), "direct".into()]);
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    let run = &g.checks[3];
    assert!(!run.passed && run.measured.is_none(), "{run:?}");
    assert!(run.feedback.contains("up to 1,000,500 records/s"), "{}", run.feedback);
}

#[test]
fn analytics_rows_are_windows_times_event_types() {
    // analytics-windows: clicks of 4 event types at 200 records/s, windows on ROWTIME aligned to the minute.
    // 10 s windows fire at 10 s, 20 s, ..., 60 s: 6 × 4 = 24 rows in the run, 3 × 4 = 12 in its last 30 s
    // (the windows ending at 40, 50 and 60 s). One-minute windows fire once, at 60 s: 4 rows.
    let l = lesson("analytics-windows").expect("exists");
    let rows = [Metric::AnalyticsRows];
    let reference = reference_scenario(&l).expect("builds");
    assert_eq!(measure_scenario(&l, &reference, &rows, None)[0].0, 24.0);
    let last_30 = measure_scenario(&l, &reference, &rows, Some(30));
    assert_eq!(last_30[0], (12.0, String::from("Analytics emitted 12 rows in the last 30 s, any value as wanted")));
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    let check = &g.checks[2];
    assert_eq!(check.measured, Some(4.0));
    assert_eq!(check.feedback, "Analytics emitted 4 rows in the last 30 s; it needs exactly 12 rows");
}

#[test]
fn analytics_feedback_names_an_application_its_sql_stopped() {
    let mut l = lesson("analytics-windows").expect("exists");
    l.reference.edits[0].value = serde_json::Value::String(
        "CREATE OR REPLACE STREAM \"OUT\" (x INTEGER);\nCREATE OR REPLACE PUMP \"P\" AS INSERT INTO \"OUT\" \
         SELECT STREAM nope FROM \"SOURCE_SQL_STREAM_001\";"
            .into(),
    );
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    let check = &g.checks[2];
    assert_eq!(check.measured, Some(0.0));
    assert!(
        check.feedback.starts_with("Analytics emitted 0 rows in the last 30 s ('click-counts' stopped: "),
        "{}",
        check.feedback
    );
    assert!(check.feedback.contains("unknown column `nope`"), "{}", check.feedback);
}

#[test]
fn every_lesson_names_its_aws_sources() {
    for l in lessons() {
        assert!(!l.sources.is_empty(), "{}: at least one source", l.id);
        for url in &l.sources {
            let official = ["https://docs.aws.amazon.com/", "https://aws.amazon.com/"];
            assert!(official.iter().any(|prefix| url.starts_with(prefix)), "{}: {url} is not an AWS page", l.id);
            assert!(!url.contains(char::is_whitespace), "{}: {url}", l.id);
        }
    }
}

#[test]
fn every_question_has_four_choices_each_with_its_reason() {
    for l in lessons() {
        assert!(!l.quiz.is_empty(), "{}: a quiz", l.id);
        for q in &l.quiz {
            assert_eq!(q.choices.len(), 4, "{}/{}: four choices", l.id, q.id);
            assert_eq!(q.why.len(), 4, "{}/{}: a reason for every choice", l.id, q.id);
            assert!(q.why.iter().all(|w| w.len() >= 20), "{}/{}: reasons say something", l.id, q.id);
            for (i, choice) in q.choices.iter().enumerate() {
                assert!(q.choices[..i].iter().all(|other| other != choice), "{}/{}: '{choice}' twice", l.id, q.id);
            }
            let picked = check_quiz(&l, &q.id, (q.answer + 1) % 4);
            assert_eq!(picked.why, q.why[((q.answer + 1) % 4) as usize], "{}/{}", l.id, q.id);
        }
    }
}

#[test]
fn right_answers_are_spread_over_every_position() {
    let mut per_position = [0_u32; 4];
    for l in lessons() {
        for q in &l.quiz {
            per_position[q.answer as usize] += 1;
        }
    }
    let total: u32 = per_position.iter().sum();
    // Every position is used, and none holds more than half of the answers.
    assert!(per_position.iter().all(|n| *n > 0), "{per_position:?}");
    assert!(per_position.iter().all(|n| *n * 2 <= total), "{per_position:?}");
}

#[test]
fn choice_orders_are_permutations_fixed_per_learner_and_varied_across_learners() {
    let order = quiz::choice_order(7, "hot-keys", "more-shards", 4);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1, 2, 3]);
    assert_eq!(quiz::choice_order(7, "hot-keys", "more-shards", 4), order, "the same learner sees the same order");
    assert_eq!(quiz::choice_order(7, "x", "y", 0), Vec::<u32>::new());
    assert_eq!(quiz::choice_order(7, "x", "y", 1), vec![0]);
    // Over 64 learners the right answer (index 3 in the file) shows in every one of the four places.
    let mut places = [0_u32; 4];
    for seed in 0..64 {
        let order = quiz::choice_order(seed, "hot-keys", "more-shards", 4);
        let place = order.iter().position(|i| *i == 3).expect("a permutation holds every index");
        places[place] += 1;
    }
    assert!(places.iter().all(|n| *n > 0), "{places:?}");
    // Two questions of one learner are shuffled independently.
    let a: Vec<_> = (0..16).map(|s| quiz::choice_order(s, "l", "q1", 4)).collect();
    let b: Vec<_> = (0..16).map(|s| quiz::choice_order(s, "l", "q2", 4)).collect();
    assert_ne!(a, b);
}

/// Grades `lesson`'s reference with `edits` applied on top (parameter edits as the inspector makes them).
fn grade_with(lesson: &Lesson, edits: &[(&str, &str, &str)]) -> Grade {
    let mut s = reference_scenario(lesson).expect("builds");
    for (node, key, value) in edits {
        let n = s.pipeline.nodes.iter_mut().find(|n| n.name == *node).expect("the node exists");
        n.set_param(key, value).unwrap_or_else(|e| panic!("{node}.{key} = {value}: {e}"));
    }
    grade(lesson, &s)
}

#[test]
fn switching_to_on_demand_does_not_pass_the_sizing_lesson() {
    let l = lesson("shards-and-write-limits").expect("exists");
    let g = grade_with(&l, &[("clickstream", "capacity_mode", "on_demand")]);
    assert!(!g.passed, "{}", describe(&g));
    assert!(!g.checks[0].passed && g.checks[0].feedback.contains("provisioned"), "{}", describe(&g));
}

#[test]
fn a_uniform_key_does_not_pass_the_hot_key_lesson_but_aggregation_does() {
    let l = lesson("hot-keys").expect("exists");
    // The old "salting" answer: the hot key simply switched off.
    let mut start = start_scenario(&l).expect("builds");
    let producer = start.pipeline.nodes.iter_mut().find(|n| n.name == "checkout-events").expect("exists");
    producer.set_param("key_distribution", "uniform").expect("a choice");
    let g = grade(&l, &start);
    assert!(!g.passed && !g.checks[0].passed, "{}", describe(&g));
    // A smaller hot share is not allowed either.
    let g = grade_with(&l, &[("checkout-events", "hot_key_percent", "40")]);
    assert!(!g.passed && !g.checks[1].passed, "{}", describe(&g));
    // The KPL (the reference) aggregates the hot key's 1,200 records/s of 512 bytes (about 600 KB/s, under
    // 1 MiB/s) into a few Kinesis records a second: nothing is throttled.
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    assert!(g.passed, "{}", describe(&g));
}

#[test]
fn polling_once_a_second_passes_the_read_limits_lesson() {
    // AWS's advice: each application polls each shard once a second. Three readers make 3 of the shard's 5
    // calls/s and read 3 × 0.5 MiB/s = 1.5 of its 2 MiB/s.
    let l = lesson("read-limits-and-fan-out").expect("exists");
    let mut s = start_scenario(&l).expect("builds");
    for node in s.pipeline.nodes.iter_mut().filter(|n| n.name != "click-tracker" && n.name != "clicks") {
        node.set_param("poll_interval_ms", "1000").expect("a polling reader");
    }
    let g = grade(&l, &s);
    assert!(g.passed, "{}", describe(&g));
}

#[test]
fn the_kcl_lesson_fails_an_abandoned_shard_a_single_worker_or_a_deleted_crash() {
    let l = lesson("kcl-leases").expect("exists");
    // A failover time of an hour: the crashed worker's shard is not read for the rest of the run, so about
    // 50 s × 500 records/s are never read (about 65,000 of 90,000) and the application falls far behind.
    let g = grade_with(&l, &[("aggregator", "kcl_failover_ms", "3600000")]);
    assert!(!g.passed, "{}", describe(&g));
    let read = g.checks.iter().find(|c| c.label.starts_with("records read")).expect("checked");
    assert!(!read.passed && read.measured.is_some_and(|v| v < 85_000.0), "{read:?}");
    // A single worker: the scheduled crash of worker 1 hits nobody.
    let g = grade_with(&l, &[("aggregator", "kcl_workers", "1")]);
    assert!(!g.passed && !g.checks[1].passed, "{}", describe(&g));
    // The crash removed from the schedule.
    let mut s = reference_scenario(&l).expect("builds");
    s.scheduled.clear();
    let g = grade(&l, &s);
    assert!(!g.passed && !g.checks[2].passed, "{}", describe(&g));
    assert!(g.checks[2].feedback.contains("Start over"), "{}", g.checks[2].feedback);
}

#[test]
fn the_windows_lesson_accepts_only_ten_second_windows() {
    let l = lesson("analytics-windows").expect("exists");
    let reference = reference_scenario(&l).expect("builds");
    let sql = reference.pipeline.nodes.iter().find(|n| n.name == "click-counts").expect("exists").params();
    let sql = sql.into_iter().find(|p| p.key == "sql").expect("has SQL").value;
    for seconds in ["8", "9", "5", "20"] {
        let other = sql.replace("INTERVAL '10' SECOND", &format!("INTERVAL '{seconds}' SECOND"));
        assert_ne!(other, sql);
        let g = grade_with(&l, &[("click-counts", "sql", &other)]);
        assert!(!g.passed, "{seconds} s windows pass:\n{}", describe(&g));
    }
}

#[test]
fn reading_lessons_are_never_passed_by_grading() {
    let reading: Vec<Lesson> = lessons().into_iter().filter(Lesson::is_reading).collect();
    assert!(reading.len() >= 4, "{} reading lessons", reading.len());
    for l in reading {
        let g = grade(&l, &start_scenario(&l).expect("builds"));
        assert!(!g.passed && g.checks.is_empty(), "{}", l.id);
        assert!(l.goal().is_empty());
    }
}

#[test]
fn the_goal_states_every_check_with_its_numbers() {
    let l = lesson("shards-and-write-limits").expect("exists");
    assert_eq!(
        l.goal(),
        [
            "a data stream: capacity_mode = provisioned",
            "at most 4 shards",
            "write throttles at most 0 records in the last 30 s",
            "accepted records/s at least 2,950 records/s in the last 30 s",
        ]
    );
}

#[test]
fn every_content_file_is_listed_and_the_course_is_built_from_fetched_texts() {
    let names: Vec<&str> = LESSON_FILES.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, LESSON_FILE_NAMES);
    // The page fetches the files in any order; the course comes out in `order`, as `lessons()` gives it.
    let reversed: Vec<(&str, &str)> = LESSON_FILES.iter().rev().copied().collect();
    assert_eq!(course(reversed), Ok(lessons()));
}

#[test]
fn a_damaged_fetched_file_is_named() {
    let files = [LESSON_FILES[0], ("99-cut.json", "{\"id\": \"cut")];
    let err = course(files).expect_err("a cut file is refused");
    assert!(err.starts_with("lesson file 99-cut.json: "), "{err}");
}

#[test]
fn the_duplicates_lesson_passes_only_an_idempotent_consumer_while_copies_are_written() {
    let l = lesson("duplicates").expect("exists");
    let check =
        |g: &Grade, label: &str| g.checks.iter().find(|c| c.label.starts_with(label)).cloned().expect("checked");
    // 500 records/s for 30 s, 2 % of answers lost: about 300 records written twice (binomial, sd about 17).
    // Without deduplication billing processes every copy again.
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    assert!(!g.passed, "{}", describe(&g));
    let again = check(&g, "copies processed again");
    assert!(!again.passed && again.measured.is_some_and(|v| (200.0..=400.0).contains(&v)), "{again:?}");
    assert!(again.feedback.contains("billing"), "{again:?}");
    // Repairing the network instead: no copies are written, and the lesson wants them written.
    let mut s = start_scenario(&l).expect("builds");
    let producer = s.pipeline.nodes.iter_mut().find(|n| n.name == "order-service").expect("exists");
    producer.set_param("timeout_percent", "0").expect("a number");
    let g = grade(&l, &s);
    assert!(!g.passed && !check(&g, "records written twice").passed, "{}", describe(&g));
    // Zero-filled orders carry no id: deduplication cannot recognise a copy.
    let g = grade_with(&l, &[("order-service", "payload", "zeros")]);
    assert!(!g.passed && !check(&g, "copies skipped").passed, "{}", describe(&g));
    // The reference skips every copy: as many skipped as the producer wrote twice, give or take those still
    // unread when the run ends, and none processed again.
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    assert!(g.passed, "{}", describe(&g));
    let (written, skipped) = (check(&g, "records written twice").measured, check(&g, "copies skipped").measured);
    assert!(
        skipped.is_some_and(|s| (200.0..=400.0).contains(&s) && written.is_some_and(|w| s <= w)),
        "{}",
        describe(&g)
    );
}

#[test]
fn goal_sketches_show_a_passing_shape_against_the_target() {
    let metric = |min: Option<f64>, max: Option<f64>| Check::Metric {
        metric: Metric::WriteThrottledRecords,
        min,
        max,
        last_s: None,
    };
    // At most 0 throttles: the line starts above the axis and falls to 0, where the target line lies.
    let s = metric(None, Some(0.0)).sketch().expect("a metric check");
    assert_eq!(s.values.len(), SKETCH_POINTS);
    assert_eq!(s.target, 0);
    assert!(s.stays_under && s.values[0] > 0 && *s.values.last().expect("points") == 0, "{s:?}");
    assert!(s.caption.contains("falls to at most 0 records"), "{}", s.caption);
    // At least 5,000 records read: the count grows from 0 to above the target line.
    let read = Check::Metric { metric: Metric::RecordsReadMin, min: Some(5_000.0), max: None, last_s: None };
    let s = read.sketch().expect("a metric check");
    assert!(!s.stays_under && s.values[0] == 0 && *s.values.last().expect("points") > s.target, "{s:?}");
    assert!(s.caption.contains("at least 5,000 records"), "{}", s.caption);
    // A structural check has no chart.
    let structural = Check::HasNode { node_kind: "consumer".into(), count_min: 2 };
    assert_eq!(structural.sketch(), None);
    // Every lesson's metric checks with a bound have a sketch whose last point passes its target line.
    for l in lessons() {
        for c in &l.checks {
            if let Some(s) = c.sketch() {
                let last = *s.values.last().expect("points");
                assert!(if s.stays_under { last <= s.target } else { last >= s.target }, "{}: {s:?}", l.id);
                assert!(s.values.iter().all(|v| *v <= 100), "{}: {s:?}", l.id);
            }
        }
    }
}

/// The replay lesson's measured value of the check whose label starts with `label`.
fn measured(g: &Grade, label: &str) -> f64 {
    g.checks.iter().find(|c| c.label.starts_with(label)).and_then(|c| c.measured).expect("measured")
}

#[test]
fn the_replay_lesson_grades_where_the_ledger_starts_and_what_retention_kept() {
    // The lesson's arithmetic: 2 payments/s into one shard; the ledger crashes at 21,600 s (6 h) and is back at
    // 129,600 s (36 h); the window is the 108,600 s from the crash to the end. Each boundary (the crash, an
    // expiry, the ledger's first call within its 1 s polling interval) falls between payments written half a
    // second apart, so a count may be a payment or two either side of the arithmetic.
    let l = lesson("retention-and-replay").expect("exists");
    assert_eq!(l.run_s, 130_200);
    let within = |value: f64, expected: f64| (expected - 2.0..=expected + 2.0).contains(&value);
    // LATEST (the start) skips the outage: 108,000 s × 2 = 216,000 payments.
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    assert!(!g.passed && within(measured(&g, "records skipped"), 216_000.0), "{}", describe(&g));
    // AT_TIMESTAMP at the crash, with 24 hours kept: on its return the oldest record is from 43,200 s
    // (129,600 - 86,400), so 6 h × 3,600 × 2 = 43,200 payments had expired.
    let g = grade_with(&l, &[("payments", "retention_hours", "24")]);
    assert!(!g.passed && within(measured(&g, "records skipped"), 43_200.0), "{}", describe(&g));
    // Raising retention to 168 h at 32 h (115,200 s) is too late for what expired before: the records up to
    // 28,800 s (115,200 - 86,400), 7,200 s × 2 = 14,400 payments, stay gone.
    let mut late = reference_scenario(&l).expect("builds");
    late.pipeline.nodes.iter_mut().find(|n| n.name == "payments").unwrap().set_param("retention_hours", "24").unwrap();
    let stream = late.pipeline.nodes.iter().find(|n| n.name == "payments").unwrap().id;
    let raise = |at_ms| shardlab_scenario::ScheduledEvent {
        at_ms,
        action: shardlab_scenario::Action::SetRetention { stream, hours: 168 },
    };
    late.scheduled.push(raise(115_200_000));
    assert_eq!(late.validate(), Ok(()));
    let g = grade(&l, &late);
    assert!(!g.passed && within(measured(&g, "records skipped"), 14_400.0), "{}", describe(&g));
    // The same raise at 29 h, before the first record of the outage expires (at 30 h), keeps everything.
    late.scheduled[0] = raise(104_400_000);
    let g = grade(&l, &late);
    assert!(g.passed, "{}", describe(&g));
    // TRIM_HORIZON with a week kept reprocesses all 21,600 s × 2 = 43,200 payments before the crash.
    let g = grade_with(&l, &[("payments", "retention_hours", "168"), ("ledger", "start", "TRIM_HORIZON")]);
    assert!(!g.passed && within(measured(&g, "earlier records"), 43_200.0), "{}", describe(&g));
    assert_eq!(measured(&g, "records skipped"), 0.0);
    // TRIM_HORIZON with 31 hours kept starts about an hour before the crash: at most 3,600 s × 2 = 7,200.
    let g = grade_with(&l, &[("payments", "retention_hours", "31"), ("ledger", "start", "TRIM_HORIZON")]);
    assert!(g.passed, "{}", describe(&g));
    // The reference reads from the crash on: nothing skipped, at most the record of the crash's own instant
    // before it, and the whole outage read by the end (217,200 written in the window, less the last second).
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    assert!(g.passed, "{}", describe(&g));
    assert!(measured(&g, "earlier records") <= 1.0, "{}", describe(&g));
    assert!(within(measured(&g, "records read"), 217_200.0 - 2.0), "{}", describe(&g));
    // It catches up as "Show me" says: 216,000 payments at up to 10,000 a call, a call a second, take about 22 s,
    // so a minute after its return it reads at the tip (iterator age within its 1 s polling and the 100 ms delay).
    let mut caught_up = l.clone();
    caught_up.checks =
        vec![Check::Metric { metric: Metric::IteratorAgeMsMax, min: None, max: Some(2_000.0), last_s: Some(540) }];
    let g = grade(&caught_up, &reference_scenario(&l).expect("builds"));
    assert!(g.passed, "{}", describe(&g));
}

#[test]
fn a_shared_link_of_the_solution_is_the_reference_and_a_changed_one_is_not() {
    let l = lesson("retention-and-replay").expect("exists");
    let reference = reference_scenario(&l).expect("builds");
    // Through a share link and back, renamed and moved: still the solution.
    let link = shardlab_scenario::encode_link(&reference);
    let mut opened = shardlab_scenario::decode_link(&link).expect("opens");
    opened.name = "my work".into();
    opened.pipeline.nodes[0].name = "renamed".into();
    opened.view = shardlab_scenario::View::default();
    assert!(is_reference(&l, &opened));
    // The start is not; a solution with one parameter changed is the learner's own.
    assert!(!is_reference(&l, &start_scenario(&l).expect("builds")));
    let ledger = opened.pipeline.nodes.iter_mut().find(|n| n.name == "ledger").expect("exists");
    ledger.set_param("start_timestamp_s", "21000").expect("in range");
    assert!(!is_reference(&l, &opened));
}

#[test]
fn a_long_run_stops_when_it_has_taken_the_whole_runs_engine_steps() {
    // The replay lesson's start with a budget of 100,000 timers instead of 12,000,000: its data streams' push timer
    // alone fires 20 times a simulated second, so the run stops within 5,000 s of its 130,200 and says why.
    let l = lesson("retention-and-replay").expect("exists");
    let (config, _) = start_scenario(&l).expect("builds").to_sim_config().expect("converts");
    let mut runner = run::Runner::new(config, l.run_s, &[]).expect("within the record bound");
    runner.timers_max = 100_000;
    let why = runner.step(5_000).expect_err("over the budget");
    assert!(why.starts_with("it needs more than 100,000 engine steps in "), "{why}");
    assert!(runner.progress_percent() < 4, "{} %", runner.progress_percent());
    assert_eq!(TIMERS_PER_RUN_MAX, u64::from(TIMERS_PER_SEC_MAX) * 600);
}

#[test]
fn the_video_lesson_passes_with_retention_and_fails_replaying_a_stream_that_keeps_nothing() {
    let l = lesson("video-streams").expect("exists");
    let check = |g: &Grade, label: &str| g.checks.iter().find(|c| c.label.contains(label)).cloned().expect("checked");
    // The start keeps nothing (retention 0, the default): HLS and the clip are refused.
    let g = grade(&l, &start_scenario(&l).expect("builds"));
    assert!(!g.passed, "{}", describe(&g));
    let clip = check(&g, "fragments in the clip");
    assert_eq!(clip.measured, Some(0.0), "{clip:?}");
    assert!(clip.feedback.contains("NoDataRetentionException"), "{clip:?}");
    assert!(!check(&g, "video consumers refused").passed, "{}", describe(&g));
    // GetMedia reads live from the host buffer even so.
    assert!(check(&g, "GetMedia latency").passed, "{}", describe(&g));
    // With retention the clip of the first minute (0 to 60 s) holds the 2-second fragments overlapping it:
    // 0-2 s ... 60-62 s, 31 of them; HLS trails by a fragment and more (AWS: typically 3 to 5 s), GetMedia by
    // less than a second.
    let g = grade(&l, &reference_scenario(&l).expect("builds"));
    assert!(g.passed, "{}", describe(&g));
    assert_eq!(check(&g, "fragments in the clip").measured, Some(31.0));
    let hls = check(&g, "HLS playback latency").measured.expect("measured");
    assert!((3_000.0..=5_000.0).contains(&hls), "{hls}");
    assert!(check(&g, "GetMedia latency").measured.is_some_and(|ms| ms < 1_000.0), "{}", describe(&g));
    // The clip is asked for at 61 minutes: with an hour of retention the first minute's fragments are 60 to 61
    // minutes old by then, past retention, so the clip comes back short; two hours keep them.
    let g = grade_with(&l, &[("front-door", "retention_hours", "1")]);
    assert!(!g.passed, "{}", describe(&g));
    assert!(check(&g, "fragments in the clip").measured.is_some_and(|n| n < 30.0), "{}", describe(&g));
    assert!(grade_with(&l, &[("front-door", "retention_hours", "2")]).passed);
    // Dropping the clip consumer does not pass: the replay is part of the task.
    let mut s = reference_scenario(&l).expect("builds");
    let replay = s.pipeline.nodes.iter().find(|n| n.name == "replay").map(|n| n.id).expect("exists");
    s.remove_node(replay);
    assert!(!grade(&l, &s).passed);
}
