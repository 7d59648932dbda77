//! The API model's regular expressions, matched in time linear in the input.
//!
//! AWS checks members against Java regular expressions (whole-string match). The handful the Kinesis
//! model uses are built here from a few combinators and run on a Pike VM, so a hostile 1 MiB string
//! cannot make a pattern with three `.*` backtrack for ever. Each pattern keeps its model text for the
//! `Member must satisfy regular expression pattern: <re>` message.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

/// A model pattern: its text, as AWS prints it, and how to build its automaton.
pub(crate) struct Pattern {
    /// The regular expression as the model writes it.
    pub(crate) text: &'static str,
    build: fn() -> Node,
}

/// `[a-zA-Z0-9_.-]+`: stream, consumer and shard names.
pub(crate) const NAME: Pattern = Pattern { text: "[a-zA-Z0-9_.-]+", build: || plus(class(Class::Name)) };

/// `0|([1-9]\d{0,38})`: a hash key.
pub(crate) const HASH_KEY: Pattern = Pattern { text: "0|([1-9]\\d{0,38})", build: || decimal(38) };

/// `0|([1-9]\d{0,128})`: a sequence number.
pub(crate) const SEQUENCE_NUMBER: Pattern = Pattern { text: "0|([1-9]\\d{0,128})", build: || decimal(128) };

/// `arn:aws.*:kinesis:.*:\d{12}`: the start every Kinesis ARN pattern shares.
fn arn_account_prefix() -> Vec<Node> {
    vec![
        lit("arn:aws"),
        star(class(Class::Any)),
        lit(":kinesis:"),
        star(class(Class::Any)),
        lit(":"),
        repeat(class(Class::Digit), 12, Some(12)),
    ]
}

/// `arn:aws.*:kinesis:.*:\d{12}:stream/\S+`: a stream ARN.
pub(crate) const STREAM_ARN: Pattern = Pattern {
    text: "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
    build: || {
        let mut nodes = arn_account_prefix();
        nodes.extend([lit(":stream/"), plus(class(Class::NotSpace))]);
        Node::Seq(nodes)
    },
};

/// `arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`: a stream or consumer ARN (`ResourceARN`).
pub(crate) const RESOURCE_ARN: Pattern = Pattern {
    text: "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+",
    build: || {
        let mut nodes = arn_account_prefix();
        nodes.extend([lit(":"), star(class(Class::Any)), lit("stream/"), plus(class(Class::NotSpace))]);
        Node::Seq(nodes)
    },
};

/// The consumer ARN pattern of `docs/aws-behaviour.md` §1.10.
pub(crate) const CONSUMER_ARN: Pattern = Pattern {
    text: "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+",
    build: || {
        let mut nodes = arn_account_prefix();
        nodes.extend([
            lit(":"),
            star(class(Class::Any)),
            lit("stream/"),
            plus(class(Class::Name)),
            lit("/consumer/"),
            plus(class(Class::Name)),
            lit(":"),
            plus(class(Class::Digit)),
        ]);
        Node::Seq(nodes)
    },
};

impl Pattern {
    /// Whether all of `text` matches (Java's `Pattern.matches`).
    pub(crate) fn matches(&self, text: &str) -> bool {
        Program::compile(&(self.build)()).matches(text)
    }
}

/// A set of characters one step of a pattern accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Exactly this character.
    Is(char),
    /// Java's `.`: anything but a line terminator.
    Any,
    /// `\d`: an ASCII digit.
    Digit,
    /// `[1-9]`.
    NonZeroDigit,
    /// Java's `\S`: anything but `[ \t\n\x0B\f\r]`.
    NotSpace,
    /// `[a-zA-Z0-9_.-]`.
    Name,
}

impl Class {
    fn accepts(self, c: char) -> bool {
        match self {
            Self::Is(expected) => c == expected,
            Self::Any => !matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'),
            Self::Digit => c.is_ascii_digit(),
            Self::NonZeroDigit => matches!(c, '1'..='9'),
            Self::NotSpace => !matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r'),
            Self::Name => shardlab_engine::name::is_name_char(c),
        }
    }
}

/// A regular expression, built from combinators.
enum Node {
    Char(Class),
    Seq(Vec<Self>),
    Alt(Box<Self>, Box<Self>),
    /// At least `min`, at most `max` (unbounded when `None`) repetitions.
    Repeat(Box<Self>, u32, Option<u32>),
}

fn class(c: Class) -> Node {
    Node::Char(c)
}

fn lit(text: &str) -> Node {
    Node::Seq(text.chars().map(|c| Node::Char(Class::Is(c))).collect())
}

fn repeat(node: Node, min: u32, max: Option<u32>) -> Node {
    Node::Repeat(Box::new(node), min, max)
}

fn star(node: Node) -> Node {
    repeat(node, 0, None)
}

fn plus(node: Node) -> Node {
    repeat(node, 1, None)
}

/// `0|([1-9]\d{0,digits_max})`.
fn decimal(digits_max: u32) -> Node {
    Node::Alt(
        Box::new(lit("0")),
        Box::new(Node::Seq(vec![class(Class::NonZeroDigit), repeat(class(Class::Digit), 0, Some(digits_max))])),
    )
}

#[derive(Clone, Copy, Debug)]
enum Inst {
    Char(Class),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern: a Thompson NFA as a list of instructions.
struct Program {
    insts: Vec<Inst>,
}

impl Program {
    fn compile(node: &Node) -> Self {
        let mut program = Self { insts: Vec::new() };
        program.emit(node);
        program.insts.push(Inst::Match);
        program
    }

    fn emit(&mut self, node: &Node) {
        match node {
            Node::Char(c) => self.insts.push(Inst::Char(*c)),
            Node::Seq(nodes) => nodes.iter().for_each(|n| self.emit(n)),
            Node::Alt(a, b) => {
                let split = self.insts.len();
                self.insts.push(Inst::Split(split + 1, 0));
                self.emit(a);
                let jump = self.insts.len();
                self.insts.push(Inst::Jmp(0));
                let second = self.insts.len();
                self.emit(b);
                let end = self.insts.len();
                self.insts[split] = Inst::Split(split + 1, second);
                self.insts[jump] = Inst::Jmp(end);
            }
            Node::Repeat(inner, min, max) => {
                for _ in 0..*min {
                    self.emit(inner);
                }
                match max {
                    None => {
                        let split = self.insts.len();
                        self.insts.push(Inst::Split(split + 1, 0));
                        self.emit(inner);
                        self.insts.push(Inst::Jmp(split));
                        let end = self.insts.len();
                        self.insts[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.insts.len());
                            self.insts.push(Inst::Split(0, 0));
                            self.emit(inner);
                        }
                        let end = self.insts.len();
                        for split in splits {
                            self.insts[split] = Inst::Split(split + 1, end);
                        }
                    }
                }
            }
        }
    }

    /// Runs the NFA over `text`, all threads in lock step (no backtracking).
    fn matches(&self, text: &str) -> bool {
        let mut current = Threads::new(self.insts.len());
        let mut next = Threads::new(self.insts.len());
        current.add(&self.insts, 0);
        for c in text.chars() {
            next.clear();
            for &pc in &current.list {
                if let Some(Inst::Char(class)) = self.insts.get(pc)
                    && class.accepts(c)
                {
                    next.add(&self.insts, pc + 1);
                }
            }
            if next.list.is_empty() {
                return false;
            }
            core::mem::swap(&mut current, &mut next);
        }
        current.list.iter().any(|&pc| matches!(self.insts.get(pc), Some(Inst::Match)))
    }
}

/// The set of live instructions, in the order they were reached.
struct Threads {
    list: Vec<usize>,
    seen: Vec<bool>,
    stack: Vec<usize>,
}

impl Threads {
    fn new(len: usize) -> Self {
        Self { list: Vec::new(), seen: vec![false; len + 1], stack: Vec::new() }
    }

    fn clear(&mut self) {
        for &pc in &self.list {
            self.seen[pc] = false;
        }
        self.list.clear();
        self.seen.iter_mut().for_each(|s| *s = false);
    }

    /// Adds `pc` and everything reachable from it without consuming a character.
    fn add(&mut self, insts: &[Inst], pc: usize) {
        self.stack.push(pc);
        while let Some(pc) = self.stack.pop() {
            let Some(seen) = self.seen.get_mut(pc) else {
                continue;
            };
            if *seen {
                continue;
            }
            *seen = true;
            match insts.get(pc) {
                Some(Inst::Jmp(to)) => self.stack.push(*to),
                Some(Inst::Split(a, b)) => {
                    self.stack.push(*b);
                    self.stack.push(*a);
                }
                Some(_) => self.list.push(pc),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn names() {
        for ok in ["a", "my-stream_1.2", "A"] {
            assert!(NAME.matches(ok), "{ok}");
        }
        for bad in ["", "a b", "é", "a/b"] {
            assert!(!NAME.matches(bad), "{bad}");
        }
    }

    #[test]
    fn decimals() {
        assert!(HASH_KEY.matches("0"));
        assert!(HASH_KEY.matches("340282366920938463463374607431768211455"));
        assert!(
            HASH_KEY.matches("340282366920938463463374607431768211456"),
            "2^128 has 39 digits and passes the regex"
        );
        assert!(!HASH_KEY.matches("3402823669209384634633746074317682114560"), "40 digits");
        for bad in ["", "01", "-1", "1.5", "00"] {
            assert!(!HASH_KEY.matches(bad), "{bad}");
        }
        let long: String = core::iter::once('1').chain(core::iter::repeat_n('0', 128)).collect();
        assert!(SEQUENCE_NUMBER.matches(&long));
        assert!(!SEQUENCE_NUMBER.matches(&(long + "0")));
    }

    #[test]
    fn arns() {
        assert!(STREAM_ARN.matches("arn:aws:kinesis:us-east-1:000000000000:stream/s"));
        assert!(STREAM_ARN.matches("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/a.b"));
        assert!(!STREAM_ARN.matches("arn:aws:kinesis:us-east-1:00000000000:stream/s"));
        assert!(!STREAM_ARN.matches("arn:aws:kinesis:us-east-1:000000000000:stream/"));
        assert!(!STREAM_ARN.matches("arn:aws:kinesis:us-east-1:000000000000:stream/a b"));
        assert!(!STREAM_ARN.matches("arn:aws:kinesis:us\n:000000000000:stream/s"));
        let consumer = "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1767225600";
        assert!(CONSUMER_ARN.matches(consumer));
        assert!(RESOURCE_ARN.matches(consumer));
        assert!(RESOURCE_ARN.matches("arn:aws:kinesis:us-east-1:000000000000:stream/s"));
        assert!(!CONSUMER_ARN.matches("arn:aws:kinesis:us-east-1:000000000000:stream/s"));
    }

    #[test]
    fn long_hostile_input_is_fast_and_rejected() {
        let mut text = String::from("arn:aws");
        for _ in 0..100_000 {
            text.push_str(":kinesis:");
        }
        assert!(!STREAM_ARN.matches(&text));
    }
}
