//! `bench-library`: how fast the library (wat werkt) answers `watWerkt`
//! searches over HTTP, next to the same query on PostgreSQL alone.
//!
//! The benchmark creates a throw-away database and fills it with
//! `--werkplaatsen` werkplaatsen (300 by default) that together hold
//! `--lessons` lessons (10,000): each werkplaats has Dutch data drawn from
//! word lists about debt help (vroegsignalering, huisbezoeken,
//! schuldhulp, budgetcursussen, schoolmaaltijden, ervaringsdeskundigen,
//! energiearmoede, jongeren, loonbeslag, taal), a methodology, partners,
//! problems, solutions with empowerment capitals, indicators with
//! measurements, and about 34 actions taken through one to three PDCA
//! cycles and concluded ADOPT, ADAPT or ABANDON, each conclusion on its own
//! day; two more actions per werkplaats stay open (they are no lessons).
//! Commands are decided by `domain::decide` and their events appended
//! straight through `EventStore::append`, one append per action, so the
//! streams are real and filling takes seconds.
//!
//! It then starts one real server instance as a child process (this binary
//! re-executed in a hidden `serve` mode, so a release run measures a release
//! server) and shares every werkplaats's lessons with a `shareLessons`
//! mutation over GraphQL, as its facilitator: the server folds the stream
//! and writes the lessons to the `lessons` table in the append's
//! transaction, as in production. The run stops unless the table then holds
//! exactly `--lessons` rows from `--werkplaatsen` werkplaatsen.
//!
//! The measured mix has seven kinds of `watWerkt` query, each drawn as
//! often: the newest lessons without a filter; Dutch search words,
//! inflected ("huisbezoeken", "schulden", "betalingsachterstanden"), rare,
//! absent, combined, as a phrase and with `or` and `-`; exact filters by
//! outcome, capital and methodology; search words with filters; the second
//! page through a cursor; the fiftieth page (or the last, when there are
//! fewer); and pages of 100. Every query
//! first runs once over HTTP and once on PostgreSQL, and both must give the
//! same lessons in the same order; the table of queries shows how many
//! lessons each matches.
//!
//! For each number of concurrent clients in `--clients`, each client sends
//! one query at a time for `--seconds`:
//! - **HTTP**: `watWerkt` over GraphQL on its own keep-alive connection,
//!   with a member's token, selecting every field of `Lesson` (as a client
//!   showing the library does), the answer parsed as JSON; every answer is
//!   checked for GraphQL errors and for the number of lessons the query
//!   gives.
//! - **PostgreSQL alone** (the baseline): the same query with sqlx on a
//!   pool of the server's size, through `EventStore::lessons`, so it is
//!   exactly the SQL the server runs (full-text search with
//!   `websearch_to_tsquery('dutch', ...)`, filters, keyset page), without
//!   HTTP, GraphQL, authentication and turning the stored JSON into
//!   lessons and back (sqlx still decodes the `jsonb` column).
//!
//! It prints p50, p99, max and queries/s per kind and overall for both, and
//! one summary line per number of clients, beside the goal (p99 of
//! `watWerkt` over HTTP <= 50 ms on the machine it runs on). Those are
//! figures to read, not assertions: the run fails only when a query fails
//! or answers wrongly. The database is dropped at the end, also on error
//! or Ctrl-C.
//!
//! ```sh
//! cargo run --release --bin bench-library
//! cargo run --release --bin bench-library -- --werkplaatsen 300 --lessons 10000 --seconds 10 --clients 1,8
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone as _, Utc};
use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;
#[path = "support/scratch.rs"]
mod scratch;
#[path = "support/server.rs"]
mod server;

use scratch::BenchDatabase;
use server::{graphql, serve, text, ServeArgs, Server};
use werkplaats::app::generate_token;
use werkplaats::domain::{
    decide, ActOutcome, Actor, AddPartner, CheckAction, Command, ConcludeAction, CreateWerkplaats,
    DefineIndicator, Direction, EmpowermentCapital, Event, EvidenceBasis, IndicatorKind,
    Methodology, PartnerKind, Perspective, PlanAction, ProposeSolution, RecognitionLevel,
    RecordMeasurement, RecordProblem, StartAction, State,
};
use werkplaats::store::{AppendRequest, Appended, EventStore, LessonQuery, MemberRecord, NewEvent};

/// The goal of the issue: p99 of `watWerkt` over HTTP, in ms.
const GOAL_P99_MS: f64 = 50.0;

const SHARE_LESSONS: &str = "mutation($input: ShareLessonsInput!) { \
    shareLessons(input: $input) { sharesLessons version } }";

/// Every field of a lesson, as a client showing the library asks them.
const WAT_WERKT: &str = "query($search: String, $outcome: ActOutcome, \
    $capital: EmpowermentCapital, $methodology: Methodology, $first: Int, $after: String) { \
    watWerkt(search: $search, outcome: $outcome, capital: $capital, \
    methodology: $methodology, first: $first, after: $after) { \
    hasMore cursor lessons { id title goal owner outcome rationale cycles findings concludedAt \
    source { werkplaatsId werkplaatsName municipality methodology question } \
    solution { title description basis capitals recognition } \
    indicators { name unit kind direction baseline norm latest normMet } } } }";

#[derive(Parser)]
#[command(
    name = "bench-library",
    about = "Library benchmark: watWerkt over HTTP vs the same query on PostgreSQL alone"
)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Subcommand)]
enum Mode {
    /// The server instance, as the benchmark starts it (internal).
    #[command(hide = true)]
    Serve(ServeArgs),
}

#[derive(Args, Clone, Debug)]
struct BenchArgs {
    /// PostgreSQL server to create the throw-away database on.
    #[arg(
        long,
        env = "WERKPLAATS_BENCH_DATABASE_SERVER",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    database_server: String,

    /// Werkplaatsen that share their lessons.
    #[arg(long, default_value_t = 300)]
    werkplaatsen: usize,

    /// Lessons in the library, spread evenly over the werkplaatsen.
    #[arg(long, default_value_t = 10_000)]
    lessons: usize,

    /// How long each path is measured at each number of clients.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,

    /// Numbers of concurrent clients to measure, one after the other.
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    clients: Vec<usize>,

    /// Lessons per page of the measured queries (`first`), but for the
    /// kind that asks 100.
    #[arg(long, default_value_t = 20)]
    page: i64,

    /// Database connections of the server and of the baseline (default: the
    /// largest --clients, so no client waits for a connection).
    #[arg(long)]
    pool_size: Option<u32>,

    /// Werkplaatsen filled at the same time.
    #[arg(long, default_value_t = 8)]
    fill_concurrency: usize,

    /// Seed of the data and of the order of the queries.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.mode {
        Some(Mode::Serve(args)) => runtime.block_on(serve(args)),
        None => runtime.block_on(bench(cli.bench)),
    }
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    if args.clients.is_empty() || args.clients.contains(&0) {
        bail!("--clients takes numbers of at least 1, e.g. 1,8");
    }
    if args.werkplaatsen == 0 || args.lessons < args.werkplaatsen {
        bail!("--werkplaatsen must be at least 1 and --lessons at least --werkplaatsen");
    }
    if args.seconds.is_nan() || args.seconds <= 0.0 {
        bail!("--seconds must be positive");
    }
    if !(1..=100).contains(&args.page) {
        bail!("--page takes 1 to 100");
    }
    let database = BenchDatabase::create(&args.database_server).await?;
    eprintln!("bench-library: database {}", database.name);
    let url = database.url();
    let outcome = tokio::select! {
        outcome = run(&args, &url) => outcome,
        _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
    };
    let dropped = database.drop_now().await;
    outcome?;
    dropped
}

async fn run(args: &BenchArgs, database_url: &str) -> anyhow::Result<()> {
    let most = args.clients.iter().copied().max().unwrap_or(1);
    let pool_size = args.pool_size.unwrap_or(most.max(2) as u32);
    let store = EventStore::connect(database_url, pool_size).await?;
    store.migrate().await?;

    // Fill the streams.
    let started = Instant::now();
    let per = lessons_per_werkplaats(args.werkplaatsen, args.lessons);
    let built = futures::stream::iter(per.iter().copied().enumerate())
        .map(|(index, lessons)| {
            let store = &store;
            async move { fill_werkplaats(store, args.seed, index, lessons).await }
        })
        .buffer_unordered(args.fill_concurrency.max(1))
        .collect::<Vec<anyhow::Result<Filled>>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<Filled>>>()?;
    let (events, appends): (i64, usize) = built
        .iter()
        .fold((0, 0), |(e, a), w| (e + w.events, a + w.appends));
    println!(
        "filled {} werkplaatsen through EventStore::append: {events} events in {appends} appends, {:.1} s",
        built.len(),
        started.elapsed().as_secs_f64()
    );

    // Share them through the server, which writes the library.
    let admin_token = format!("bench-admin-{:016x}", rand::random::<u64>());
    let server = Server::start("server", database_url, &admin_token, pool_size, false).await?;
    let setup = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    let started = Instant::now();
    let mut share_latency = latency_histogram();
    let shared = futures::stream::iter(&built)
        .map(|w| {
            let (setup, url) = (&setup, &server.http);
            async move {
                let sent = Instant::now();
                let data = graphql(
                    setup,
                    url,
                    &w.token,
                    SHARE_LESSONS,
                    json!({"input": {"werkplaatsId": w.id.to_string(), "share": true}}),
                )
                .await
                .with_context(|| format!("shareLessons for werkplaats {}", w.id))?;
                if data["shareLessons"]["sharesLessons"] != json!(true) {
                    bail!("shareLessons answered {data}");
                }
                Ok(sent.elapsed())
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<anyhow::Result<Duration>>>()
        .await;
    for took in shared {
        share_latency.saturating_record(took?.as_micros() as u64);
    }
    println!(
        "shared {} werkplaatsen with shareLessons over GraphQL in {:.1} s (p50 {:.1} ms, max {:.1} ms per mutation)",
        built.len(),
        started.elapsed().as_secs_f64(),
        ms(share_latency.value_at_quantile(0.5)),
        ms(share_latency.max())
    );
    let (count, sources, size): (i64, i64, i64) = sqlx::query_as(
        "select count(*), count(distinct werkplaats_id), pg_total_relation_size('lessons') \
         from lessons",
    )
    .fetch_one(store.pool())
    .await?;
    println!(
        "library: {count} lessons from {sources} werkplaatsen; table lessons with indexes {:.1} MiB",
        size as f64 / (1024.0 * 1024.0)
    );
    if count != args.lessons as i64 || sources != args.werkplaatsen as i64 {
        bail!(
            "the library holds {count} lessons from {sources} werkplaatsen, not {} from {}",
            args.lessons,
            args.werkplaatsen
        );
    }
    // Fresh statistics, as autovacuum would have them by now in production.
    sqlx::query("analyze lessons").execute(store.pool()).await?;

    // The queries, checked over both paths.
    let reader = built.first().context("a werkplaats")?.token.clone();
    let http = Client::http(&server.http, &reader)?;
    let baseline = Client::Postgres {
        store: store.clone(),
    };
    let mut searches = queries(args, &http).await?;
    check_queries(&mut searches, &http, &baseline, &store).await?;
    let searches = Arc::new(searches);

    let duration = Duration::from_secs_f64(args.seconds);
    eprintln!(
        "bench-library: server and baseline pool {pool_size}, {} s per path",
        args.seconds
    );
    let mut points = Vec::new();
    for (round, &clients) in args.clients.iter().enumerate() {
        let seed = args.seed.wrapping_add(round as u64 * 1_000);
        eprintln!("bench-library: {clients} clients, HTTP");
        let over_http = (0..clients)
            .map(|_| Client::http(&server.http, &reader))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let over_http = drive(over_http, &searches, duration, seed).await?;
        eprintln!("bench-library: {clients} clients, PostgreSQL alone");
        let alone = (0..clients)
            .map(|_| Client::Postgres {
                store: store.clone(),
            })
            .collect();
        let alone = drive(alone, &searches, duration, seed).await?;
        let point = Point {
            clients,
            http: over_http,
            postgres: alone,
        };
        println!("{}", point.table());
        points.push(point);
    }
    println!("{}", summary(args, pool_size, &points));
    println!(
        "server resident memory after the runs: {:.1} MiB",
        server.rss_kib()? as f64 / 1024.0
    );
    server.stop().await;
    store.pool().close().await;

    let failed: Vec<&Measured> = points
        .iter()
        .flat_map(|p| [&p.http, &p.postgres])
        .filter(|m| m.failed > 0)
        .collect();
    if let Some(first) = failed.first() {
        bail!(
            "{} queries failed; the first: {}",
            failed.iter().map(|m| m.failed).sum::<u64>(),
            first.first_failure.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}

/// `lessons` spread over `werkplaatsen`: the first ones get one more.
fn lessons_per_werkplaats(werkplaatsen: usize, lessons: usize) -> Vec<usize> {
    (0..werkplaatsen)
        .map(|i| lessons / werkplaatsen + usize::from(i < lessons % werkplaatsen))
        .collect()
}

// ---------------------------------------------------------------------------
// The data: word lists
// ---------------------------------------------------------------------------

/// One subject werkplaatsen work on, with the words they use for it.
struct Theme {
    name: &'static str,
    question: &'static str,
    problems: &'static [(&'static str, &'static str)],
    actions: &'static [&'static str],
    solutions: &'static [(&'static str, &'static str)],
    findings: &'static [&'static str],
    /// Name, unit, direction, baseline, norm.
    indicators: &'static [(&'static str, &'static str, Direction, f64, f64)],
}

const THEMES: &[Theme] = &[
    Theme {
        name: "Vroeg Eropaf",
        question: "Hoe bereiken we huishoudens met betalingsachterstanden voordat de deurwaarder komt?",
        problems: &[
            ("Signalen blijven liggen", "De woningcorporatie en de energieleverancier melden betalingsachterstanden, maar niemand gaat erop af."),
            ("Huishoudens reageren niet op brieven", "Wie achterstanden heeft, opent de post niet meer en mist de uitnodiging voor een gesprek."),
        ],
        actions: &[
            "Huisbezoek binnen vijf werkdagen na een signaal van de woningcorporatie",
            "Bellen bij een betalingsachterstand bij de zorgverzekeraar",
            "Signalen van energieleverancier en waterbedrijf bundelen",
            "Huisbezoeken samen met de wijkagent",
            "Outreachend team voor vroegsignalering",
            "Tweede huisbezoek als de deur dicht blijft",
        ],
        solutions: &[
            ("Vroeg Eropaf", "Binnen vijf werkdagen na een signaal van huurachterstand gaat een schuldhulpverlener op huisbezoek en biedt hulp aan de keukentafel."),
            ("Signalenhuis", "Eén plek waar signalen van woningcorporatie, energieleverancier, waterbedrijf en zorgverzekeraar samenkomen en binnen een week worden opgepakt."),
        ],
        findings: &[
            "Bij de huisbezoeken deed een op de drie huishoudens open; wie opendeed, nam vaak het aanbod aan.",
            "De vroegsignalering leverde meer signalen op dan het team kon opvolgen.",
            "Huishoudens met een betalingsachterstand bij de zorgverzekeraar hadden vaak ook een huurachterstand.",
        ],
        indicators: &[
            ("Huishoudens binnen vijf werkdagen benaderd na een signaal", "procent", Direction::Increase, 35.0, 80.0),
            ("Huisuitzettingen wegens huurachterstand", "per jaar", Direction::Decrease, 24.0, 10.0),
        ],
    },
    Theme {
        name: "Schuldhulp Dichtbij",
        question: "Hoe maken we schuldhulp laagdrempelig en snel bereikbaar?",
        problems: &[
            ("Lange wachttijd voor het intakegesprek", "Tussen aanmelding en intake zitten zes weken; in die tijd groeien de schulden verder."),
            ("Drempel naar het gemeentehuis", "Inwoners schamen zich en komen niet naar het loket in het gemeentehuis."),
        ],
        actions: &[
            "Inloopspreekuur schuldhulp in de bibliotheek",
            "Vaste contactpersoon per huishouden",
            "Wachttijd voor het intakegesprek verkorten",
            "Digitaal aanmeldformulier vereenvoudigen",
            "Warme overdracht van wijkteam naar schuldhulpverlening",
            "Schuldhulp op de markt en in de moskee",
        ],
        solutions: &[
            ("Eén vaste contactpersoon", "Elk huishouden houdt van aanmelding tot schuldregeling één vaste contactpersoon die bereikbaar blijft."),
            ("Geldloket in de wijk", "Een inloopspreekuur voor geldvragen in buurthuis en bibliotheek, zonder afspraak en zonder formulieren."),
            ("Warme overdracht", "Het wijkteam belt samen met de inwoner de schuldhulpverlening en gaat mee naar het eerste gesprek."),
        ],
        findings: &[
            "Inwoners noemen de vaste contactpersoon het belangrijkste verschil met eerder.",
            "Het inloopspreekuur trok vooral mensen die nog nooit bij de schuldhulpverlening waren geweest.",
            "De wachttijd voor het intakegesprek daalde, maar de doorlooptijd van de schuldregeling niet.",
        ],
        indicators: &[
            ("Wachttijd tot het intakegesprek", "werkdagen", Direction::Decrease, 30.0, 10.0),
            ("Aanmeldingen voor schuldhulp", "per maand", Direction::Increase, 40.0, 70.0),
        ],
    },
    Theme {
        name: "Grip op Geld",
        question: "Hoe helpen we inwoners hun geldzaken zelf op orde te houden?",
        problems: &[
            ("Administratie is een chaos", "Veel huishoudens hebben geen overzicht van inkomsten, vaste lasten en openstaande rekeningen."),
        ],
        actions: &[
            "Budgetcursus voor jonge ouders",
            "Budgetcursussen in de buurthuizen",
            "Online budgetcoach naast de cursus",
            "Thuisadministratie met vrijwilligers",
            "Geldlessen op de basisschool",
        ],
        solutions: &[
            ("Budgetcursus in tien avonden", "Een budgetcursus in kleine groepen over kasboek, vaste lasten, toeslagen en nee zeggen tegen kopen op afbetaling."),
            ("Thuisadministratie", "Getrainde vrijwilligers helpen een jaar lang aan huis met het ordenen van de post en het betalen van rekeningen."),
        ],
        findings: &[
            "Budgetcursisten houden na drie maanden vaker een kasboek bij.",
            "De budgetcursus bereikte vooral vrouwen; mannen haakten na de eerste avond af.",
            "Vrijwilligers van de thuisadministratie hadden meer begeleiding nodig bij complexe schulden.",
        ],
        indicators: &[
            ("Deelnemers die de budgetcursus afmaken", "procent", Direction::Increase, 55.0, 80.0),
            ("Huishoudens met overzicht over hun vaste lasten", "procent", Direction::Increase, 30.0, 60.0),
        ],
    },
    Theme {
        name: "Gezond naar School",
        question: "Hoe zorgen we dat kinderen uit gezinnen met weinig geld niet met honger in de klas zitten?",
        problems: &[
            ("Kinderen komen zonder ontbijt", "Leerkrachten zien elke ochtend kinderen die niet gegeten hebben en zich slecht concentreren."),
        ],
        actions: &[
            "Gezonde schoolmaaltijden op drie basisscholen",
            "Ontbijt op school voor kinderen uit minimagezinnen",
            "Kindpakket via het jeugdfonds",
            "Schoolmaaltijd gekoppeld aan een gesprek met de ouders",
            "Schoolmaaltijden zonder aanmelding voor de hele klas",
        ],
        solutions: &[
            ("Schoolmaaltijden voor iedereen", "Alle kinderen van de school eten dagelijks een gezonde lunch, zodat niemand apart wordt gezet."),
            ("Kindpakket", "Een jaarlijks pakket met schoolspullen, sport en een fiets voor kinderen uit gezinnen met een laag inkomen."),
        ],
        findings: &[
            "Scholen zien dat kinderen geconcentreerder zijn na de schoolmaaltijd.",
            "Ouders meldden zich via de school eerder bij het wijkteam met geldzorgen.",
            "De schoolmaaltijden kostten de school meer tijd dan begroot.",
        ],
        indicators: &[
            ("Kinderen die dagelijks een schoolmaaltijd eten", "kinderen", Direction::Increase, 120.0, 400.0),
            ("Gezinnen die via school hulp vragen", "per kwartaal", Direction::Increase, 5.0, 20.0),
        ],
    },
    Theme {
        name: "Samen Sterk",
        question: "Hoe zetten we ervaringsdeskundigheid in bij armoede en schulden?",
        problems: &[
            ("Wantrouwen tegenover instanties", "Inwoners met schulden vertrouwen de gemeente niet en vermijden elk contact."),
        ],
        actions: &[
            "Ervaringsdeskundigen in het intakegesprek",
            "Maatjesproject met ervaringsdeskundige vrijwilligers",
            "Cliëntenraad toetst de brieven",
            "Lotgenotengroep voor mensen met schulden",
        ],
        solutions: &[
            ("Ervaringsdeskundige naast de professional", "Een ervaringsdeskundige voert het eerste gesprek samen met de schuldhulpverlener en blijft aanspreekpunt."),
            ("Schuldhulpmaatje", "Een getrainde vrijwilliger met eigen ervaring begeleidt een huishouden door het hele traject."),
        ],
        findings: &[
            "Ervaringsdeskundigen bereikten mensen die de gemeente niet meer vertrouwden.",
            "De cliëntenraad vond de brieven nog steeds te moeilijk en te dreigend.",
            "Maatjes en professionals moesten wennen aan elkaars rol.",
        ],
        indicators: &[
            ("Uitval na het eerste gesprek", "procent", Direction::Decrease, 40.0, 20.0),
            ("Tevredenheid over de begeleiding", "rapportcijfer", Direction::Increase, 6.2, 7.5),
        ],
    },
    Theme {
        name: "Warm de Winter Door",
        question: "Hoe helpen we huishoudens met hoge energierekeningen?",
        problems: &[
            ("Energiearmoede", "Huishoudens met een laag inkomen wonen in slecht geïsoleerde huizen en lopen een energieachterstand op."),
        ],
        actions: &[
            "Energiecoaches aan de keukentafel",
            "Energiebox en bespaaradvies bij het huisbezoek",
            "Energietoeslag actief uitkeren",
            "Isolatie met de woningcorporatie voor huurders met een energieachterstand",
        ],
        solutions: &[
            ("Energiecoach aan huis", "Een energiecoach komt langs, geeft bespaaradvies, plaatst een energiebox en controleert het recht op toeslagen."),
        ],
        findings: &[
            "De energiecoaches vonden bij veel huishoudens recht op toeslagen dat niet werd gebruikt.",
            "De energiebox werd goed ontvangen, maar het bespaaradvies werd weinig opgevolgd.",
        ],
        indicators: &[
            ("Huishoudens met een energieachterstand", "huishoudens", Direction::Decrease, 300.0, 150.0),
            ("Bereikte huishoudens met energiearmoede", "huishoudens", Direction::Increase, 80.0, 250.0),
        ],
    },
    Theme {
        name: "Jong en Schuldenvrij",
        question: "Hoe voorkomen we dat jongeren met schulden aan hun volwassen leven beginnen?",
        problems: &[
            ("Jongeren zoeken geen hulp", "Jongeren met schulden komen pas als de schulden zijn opgelopen tot duizenden euro's."),
        ],
        actions: &[
            "Jongerenloket voor schulden tot 27 jaar",
            "Saneringskrediet voor jongeren met een opleiding of baan",
            "Geldlessen op het mbo",
            "Jongeren benaderen via Instagram en TikTok",
        ],
        solutions: &[
            ("Jongerenschuldenfonds", "Het fonds koopt de schulden van jongeren af in ruil voor een opleiding, werk en begeleiding."),
            ("Geldles op het mbo", "Studenten leren in drie lessen over zorgverzekering, telefoonabonnementen, kopen op afbetaling en DUO."),
        ],
        findings: &[
            "Het bereik onder jongeren bleef laag; de flyers werden nauwelijks gelezen.",
            "Jongeren die via het mbo kwamen, hadden lagere schulden dan die via het wijkteam.",
        ],
        indicators: &[
            ("Jongeren met schulden in een traject", "jongeren", Direction::Increase, 25.0, 75.0),
        ],
    },
    Theme {
        name: "Werk en Inkomen",
        question: "Hoe helpen werkgevers en gemeente werkenden met geldzorgen?",
        problems: &[
            ("Loonbeslag zonder hulp", "Werkgevers krijgen loonbeslagen binnen, maar de werknemer krijgt geen hulp aangeboden."),
            ("Toeslagen blijven liggen", "Werkende armen vragen toeslagen en inkomensondersteuning niet aan, uit onwetendheid of angst voor terugbetalen."),
        ],
        actions: &[
            "Werkgeversaanpak bij loonbeslag",
            "Schuldhulpmaatje op de werkvloer",
            "Inkomensondersteuning automatisch toekennen",
            "Formulierenbrigade voor toeslagen",
        ],
        solutions: &[
            ("Werkgeversaanpak geldzorgen", "Werkgevers herkennen geldzorgen, bieden een vertrouwenspersoon en verwijzen bij loonbeslag door naar schuldhulp."),
            ("Formulierenbrigade", "Vrijwilligers helpen bij het aanvragen van toeslagen, kwijtschelding en inkomensondersteuning."),
        ],
        findings: &[
            "Bij loonbeslag kwam de werknemer via de werkgever eerder bij de schuldhulpverlening.",
            "De formulierenbrigade vond bij de helft van de huishoudens een gemiste toeslag.",
        ],
        indicators: &[
            ("Werknemers met loonbeslag doorverwezen naar schuldhulp", "procent", Direction::Increase, 10.0, 50.0),
            ("Niet-gebruik van inkomensondersteuning", "procent", Direction::Decrease, 40.0, 25.0),
        ],
    },
    Theme {
        name: "Rust en Regie",
        question: "Hoe brengen we rust in huishoudens met problematische schulden?",
        problems: &[
            ("Schuldeisers blijven incasseren", "Tijdens het traject blijven schuldeisers en deurwaarders incasseren, wat stress en nieuwe kosten geeft."),
        ],
        actions: &[
            "Stabilisatiefase met budgetbeheer",
            "Beschermingsbewind afbouwen naar zelfredzaamheid",
            "Schuldregeling met een saneringskrediet",
            "Adempauze afspreken met de grootste schuldeisers",
        ],
        solutions: &[
            ("Saneringskrediet", "De gemeente lost de schulden in één keer af met een krediet; het huishouden betaalt drie jaar af aan één partij."),
            ("Van bewindvoering naar zelfredzaamheid", "Bewindvoerder en coach bouwen de bewindvoering stap voor stap af terwijl de inwoner zijn geldzaken overneemt."),
        ],
        findings: &[
            "Met een saneringskrediet stopten de incasso's en nam de stress zichtbaar af.",
            "Het afbouwen van de bewindvoering duurde langer dan gedacht.",
        ],
        indicators: &[
            ("Schuldregelingen die slagen", "procent", Direction::Increase, 60.0, 80.0),
            ("Ervaren stress over geld", "score", Direction::Decrease, 7.5, 5.0),
        ],
    },
    Theme {
        name: "Taal en Geld",
        question: "Hoe helpen we laaggeletterde inwoners met brieven en geldzaken?",
        problems: &[
            ("Brieven worden niet begrepen", "Aanmaningen en beschikkingen zijn te moeilijk voor laaggeletterde inwoners."),
        ],
        actions: &[
            "Taalmaatjes bij de administratie",
            "Eenvoudige taal in aanmaningen",
            "Taalhuis en schuldhulp op één plek",
        ],
        solutions: &[
            ("Taalmaatje", "Een taalmaatje leest samen met de inwoner de post en oefent met formulieren en telefoongesprekken."),
            ("Brieven op B1-niveau", "Gemeente en schuldeisers herschrijven hun brieven op B1-niveau, getoetst door inwoners."),
        ],
        findings: &[
            "Inwoners begrepen de brieven op B1-niveau beter en belden minder vaak met vragen.",
            "Taalmaatjes signaleerden schulden die nog bij niemand bekend waren.",
        ],
        indicators: &[
            ("Inwoners die de brief zonder hulp begrijpen", "procent", Direction::Increase, 45.0, 75.0),
        ],
    },
];

const MUNICIPALITIES: &[&str] = &[
    "Almere",
    "Amersfoort",
    "Amsterdam",
    "Apeldoorn",
    "Arnhem",
    "Breda",
    "Delft",
    "Deventer",
    "Dordrecht",
    "Ede",
    "Eindhoven",
    "Emmen",
    "Enschede",
    "Groningen",
    "Haarlem",
    "Heerlen",
    "Helmond",
    "Hengelo",
    "Hilversum",
    "Leeuwarden",
    "Leiden",
    "Lelystad",
    "Maastricht",
    "Nijmegen",
    "Oss",
    "Rotterdam",
    "Schiedam",
    "Sittard-Geleen",
    "Tilburg",
    "Utrecht",
    "Venlo",
    "Vlaardingen",
    "Zaanstad",
    "Zoetermeer",
    "Zwolle",
    "Den Haag",
    "Alkmaar",
    "Assen",
    "Gouda",
    "Kerkrade",
];

const NEIGHBOURHOODS: &[&str] = &[
    "de Schilderswijk",
    "Kanaleneiland",
    "de Bijlmer",
    "Overvecht",
    "Presikhaaf",
    "het Oude Noorden",
    "de Haagse Beemden",
    "Tongelre",
    "Malberg",
    "Selwerd",
    "de Velden",
    "Stadsdeel Noord",
    "de Kolenkit",
    "Transvaal",
    "Hoograven",
];

const GROUPS: &[&str] = &[
    "huishoudens met een huurachterstand",
    "jonge ouders",
    "jongeren tot 27 jaar",
    "ouderen met alleen AOW",
    "zzp'ers",
    "statushouders",
    "werkende armen",
    "alleenstaande moeders",
    "gezinnen met schoolgaande kinderen",
    "inwoners met een licht verstandelijke beperking",
    "mensen met een energieachterstand",
];

const GOALS: &[&str] = &[
    "Meer {} zoeken binnen drie maanden hulp bij geldzorgen.",
    "{} weten waar ze terechtkunnen en worden binnen twee weken geholpen.",
    "Minder huisuitzettingen en afsluitingen door eerder contact met {}.",
    "De schulden van {} groeien niet verder tijdens de wachttijd.",
    "{} voelen zich serieus genomen en houden zelf de regie over hun geldzaken.",
    "De stress over geld neemt af en {} durven de post weer te openen.",
];

const GENERIC_FINDINGS: &[&str] = &[
    "Van de {n} benaderde huishoudens gingen er {m} in op het aanbod.",
    "De wachttijd daalde van {n} naar {m} werkdagen.",
    "Niet alle partners deelden hun signalen op tijd, door vragen over privacy.",
    "Vrijwilligers haakten af door de hoge werkdruk; we verloren er {m} van de {n}.",
    "De samenwerking met de woningcorporatie liep soepel; er waren {m} huisuitzettingen minder.",
    "Deelnemers waren tevreden, maar het bereik bleef achter: {m} in plaats van {n}.",
    "Het kostte {m} uur per huishouden, meer dan de {n} uur die we hadden begroot.",
    "Professionals vonden de nieuwe werkwijze prettig, ook al vraagt die meer afstemming.",
];

const RATIONALES_ADOPT: &[&str] = &[
    "Het werkt: de norm is gehaald en de partners willen ermee door. We nemen het op in de vaste werkwijze.",
    "Overnemen: de resultaten overtuigen en de financiering voor volgend jaar is geregeld.",
    "We houden dit vast; de schuldhulpverlening neemt de uitvoering over van het projectteam.",
    "Inwoners en professionals zijn positief en de kosten vallen mee, dus dit wordt staand beleid.",
];

const RATIONALES_ADAPT: &[&str] = &[
    "Aanpassen: het bereik is te klein, in de volgende cyclus werken we samen met de huisartsen.",
    "Houden, maar anders: minder papier en meer persoonlijk contact aan de keukentafel.",
    "Aanpassen: we richten ons eerst op een kleinere groep en breiden daarna uit.",
    "De aanpak werkt voor een deel; we passen de planning aan zodat vrijwilligers het volhouden.",
];

const RATIONALES_ABANDON: &[&str] = &[
    "Stoppen: de kosten wegen niet op tegen het bereik.",
    "We stoppen hiermee; de doelgroep bereiken we beter via de scholen en het wijkteam.",
    "Stoppen: de partners konden de capaciteit niet vrijmaken en de wachtlijst groeide.",
    "Niet voortzetten: inwoners ervoeren het als controle in plaats van hulp.",
];

const PARTNERS: &[(&str, PartnerKind)] = &[
    ("Gemeente {}", PartnerKind::Gemeente),
    ("Kredietbank {}", PartnerKind::Schuldhulpverlening),
    ("Wijkteam {}", PartnerKind::SociaalWerk),
    ("Cliëntenraad Werk en Inkomen {}", PartnerKind::Clientenraad),
    ("Woonstichting {}", PartnerKind::Woningcorporatie),
    ("Humanitas {}", PartnerKind::Overig),
    ("Basisscholen {}", PartnerKind::Onderwijs),
    ("Jeugdfonds {}", PartnerKind::Fonds),
    ("Werkgeversservicepunt {}", PartnerKind::Werkgever),
    ("Huisartsen {}", PartnerKind::Zorg),
];

// ---------------------------------------------------------------------------
// The data: filling a werkplaats
// ---------------------------------------------------------------------------

/// A filled werkplaats and its facilitator's token.
struct Filled {
    id: Uuid,
    token: String,
    events: i64,
    appends: usize,
}

/// A stream being written: commands are decided on its state, as the server
/// would, and their events appended straight through the store.
struct Stream<'a> {
    store: &'a EventStore,
    id: Uuid,
    state: State,
    actor: Actor,
    appends: usize,
}

impl Stream<'_> {
    async fn append(
        &mut self,
        commands: Vec<Command>,
        at: DateTime<Utc>,
        members: Vec<MemberRecord>,
    ) -> anyhow::Result<()> {
        let mut next = self.state.clone();
        let mut events = Vec::new();
        for command in commands {
            let decided = decide(&next, self.actor, command)
                .map_err(|e| anyhow!("a generated command was refused: {e:?}"))?;
            for event in decided.events {
                next.apply(&event);
                events.push(event);
            }
        }
        let command_id = Uuid::new_v4();
        let appended = self
            .store
            .append(AppendRequest {
                stream_id: self.id,
                expected_version: self.state.version,
                command_id,
                correlation_id: command_id,
                actor: self.actor.member_id(),
                events: events.iter().map(new_event).collect(),
                members,
                access: Vec::new(),
                recorded_at: Some(at),
                library: None,
                charge: None,
            })
            .await
            .map_err(|e| anyhow!("append failed: {e:?}"))?;
        if !matches!(appended, Appended::Committed { .. }) {
            bail!("append not committed: {appended:?}");
        }
        self.state = next;
        self.appends += 1;
        Ok(())
    }
}

fn new_event(event: &Event) -> NewEvent {
    NewEvent {
        event_type: event.event_type(),
        schema_version: Event::SCHEMA_VERSION,
        payload: event.payload(),
    }
}

fn one<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("a non-empty list")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn finding(rng: &mut StdRng, theme: &Theme) -> String {
    let sentence = if rng.gen_bool(0.5) {
        one(rng, theme.findings).to_string()
    } else {
        let n: u32 = rng.gen_range(12..160);
        let m: u32 = rng.gen_range(2..n);
        one(rng, GENERIC_FINDINGS)
            .replace("{n}", &n.to_string())
            .replace("{m}", &m.to_string())
    };
    if rng.gen_bool(0.3) {
        format!("{sentence} {}", one(rng, theme.findings))
    } else {
        sentence
    }
}

fn rationale(rng: &mut StdRng, outcome: ActOutcome) -> String {
    one(
        rng,
        match outcome {
            ActOutcome::Adopt => RATIONALES_ADOPT,
            ActOutcome::Adapt => RATIONALES_ADAPT,
            ActOutcome::Abandon => RATIONALES_ABANDON,
        },
    )
    .to_string()
}

fn some_capitals(rng: &mut StdRng) -> Vec<EmpowermentCapital> {
    let mut all = vec![
        EmpowermentCapital::Psychological,
        EmpowermentCapital::Social,
        EmpowermentCapital::Societal,
    ];
    all.shuffle(rng);
    all.truncate(rng.gen_range(1..=3));
    all
}

/// One werkplaats with `lessons` concluded actions, deterministic per seed
/// and index (but for ids and tokens).
async fn fill_werkplaats(
    store: &EventStore,
    seed: u64,
    index: usize,
    lessons: usize,
) -> anyhow::Result<Filled> {
    let mut rng = StdRng::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let theme = &THEMES[index % THEMES.len()];
    let other = &THEMES[(index + rng.gen_range(1..THEMES.len())) % THEMES.len()];
    let municipality = *one(&mut rng, MUNICIPALITIES);
    let methodology = match rng.gen_range(0..10) {
        0..=4 => Methodology::SchoudersEronder,
        5..=7 => Methodology::MovisieVijfStappen,
        _ => Methodology::NjiZevenStappen,
    };
    let id = Uuid::new_v4();
    let facilitator = Uuid::new_v4();
    let (token, hash) = generate_token();
    let mut stream = Stream {
        store,
        id,
        state: State::default(),
        actor: Actor::Admin,
        appends: 0,
    };
    // Werkplaatsen start over 1.5 years from January 2023.
    let mut at = Utc
        .with_ymd_and_hms(2023, 1, 2, 9, 0, 0)
        .single()
        .context("a start date")?
        + TimeDelta::days(rng.gen_range(0..540))
        + TimeDelta::minutes(rng.gen_range(0..600));
    let facilitator_name = "Procesbegeleider";
    stream
        .append(
            vec![Command::CreateWerkplaats(CreateWerkplaats {
                werkplaats_id: id,
                facilitator_id: facilitator,
                name: format!("Werkplaats {} {municipality} {}", theme.name, index + 1),
                municipality: municipality.to_owned(),
                question: theme.question.to_owned(),
                methodology,
                facilitator_name: facilitator_name.to_owned(),
            })],
            at,
            vec![MemberRecord {
                member_id: facilitator,
                name: facilitator_name.to_owned(),
                token_hash: hash.to_vec(),
            }],
        )
        .await?;
    stream.actor = Actor::Member(facilitator);

    // Partners, problems, solutions and indicators in one go.
    at += TimeDelta::days(rng.gen_range(3..15));
    let mut setup = Vec::new();
    let mut partners = Vec::new();
    let mut kinds = PARTNERS.to_vec();
    kinds.shuffle(&mut rng);
    for (name, kind) in kinds.iter().take(rng.gen_range(4..=7)) {
        let partner_id = Uuid::new_v4();
        partners.push(partner_id.to_string());
        setup.push(Command::AddPartner(AddPartner {
            partner_id,
            name: name.replace("{}", municipality),
            kind: *kind,
        }));
    }
    // Per theme: its solutions and indicators.
    let mut solutions: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let mut indicators = Vec::new();
    let mut indicator_norms = Vec::new();
    for (t, theme) in [theme, other].into_iter().enumerate() {
        let mut problems = Vec::new();
        for (title, description) in theme.problems {
            let problem_id = Uuid::new_v4();
            problems.push(problem_id.to_string());
            setup.push(Command::RecordProblem(RecordProblem {
                problem_id,
                title: (*title).to_owned(),
                description: (*description).to_owned(),
                perspective: *one(
                    &mut rng,
                    &[
                        Perspective::Client,
                        Perspective::Professional,
                        Perspective::Policy,
                        Perspective::Data,
                    ],
                ),
            }));
        }
        for (title, description) in theme.solutions {
            let solution_id = Uuid::new_v4();
            solutions[t].push(solution_id.to_string());
            let mut basis = vec![
                EvidenceBasis::Practice,
                EvidenceBasis::Science,
                EvidenceBasis::Casuistry,
            ];
            basis.shuffle(&mut rng);
            basis.truncate(rng.gen_range(1..=2));
            setup.push(Command::ProposeSolution(ProposeSolution {
                solution_id,
                title: (*title).to_owned(),
                description: (*description).to_owned(),
                basis,
                addresses_problem_ids: problems.clone(),
                capitals: some_capitals(&mut rng),
                recognition: *one(
                    &mut rng,
                    &[
                        RecognitionLevel::NotAssessed,
                        RecognitionLevel::WellDescribed,
                        RecognitionLevel::WellFounded,
                        RecognitionLevel::EffectiveFirstIndications,
                        RecognitionLevel::EffectiveGoodIndications,
                    ],
                ),
            }));
        }
        for &(name, unit, direction, baseline, norm) in theme.indicators {
            let indicator_id = Uuid::new_v4();
            indicators.push(indicator_id.to_string());
            indicator_norms.push((baseline, norm));
            setup.push(Command::DefineIndicator(DefineIndicator {
                indicator_id,
                name: name.to_owned(),
                unit: unit.to_owned(),
                baseline,
                norm,
                direction,
                kind: *one(
                    &mut rng,
                    &[
                        IndicatorKind::Outcome,
                        IndicatorKind::Output,
                        IndicatorKind::Process,
                    ],
                ),
                goal_id: None,
            }));
        }
    }
    stream.append(setup, at, Vec::new()).await?;

    // The actions: one append each, days apart; two stay open.
    for number in 0..lessons + 2 {
        at += TimeDelta::days(rng.gen_range(1..10)) + TimeDelta::minutes(rng.gen_range(0..480));
        let t = usize::from(rng.gen_bool(0.3));
        let theme = [theme, other][t];
        let core = *one(&mut rng, theme.actions);
        let title = match rng.gen_range(0..10) {
            0..=3 => format!("{core} in {}", one(&mut rng, NEIGHBOURHOODS)),
            4..=6 => format!("{core} voor {}", one(&mut rng, GROUPS)),
            _ => core.to_owned(),
        };
        let group = *one(&mut rng, GROUPS);
        let goal = capitalised(&one(&mut rng, GOALS).replace("{}", group));
        let action_id = Uuid::new_v4();
        let mut linked = indicators.clone();
        linked.shuffle(&mut rng);
        linked.truncate(rng.gen_range(0..=2));
        let mut commands = vec![Command::PlanAction(PlanAction {
            action_id,
            title,
            goal,
            owner_partner_id: one(&mut rng, &partners).clone(),
            solution_id: if rng.gen_bool(0.75) && !solutions[t].is_empty() {
                Some(one(&mut rng, &solutions[t]).clone())
            } else {
                None
            },
            due_date: NaiveDate::from_ymd_opt(2025, 12, 31),
            indicator_ids: linked,
        })];
        let action = action_id.to_string();
        if number >= lessons {
            // Open: planned, or started.
            if rng.gen_bool(0.5) {
                commands.push(Command::StartAction(StartAction {
                    action_id: action,
                    expected_version: None,
                }));
            }
        } else {
            let cycles = match rng.gen_range(0..10) {
                0..=5 => 1,
                6..=8 => 2,
                _ => 3,
            };
            for cycle in 1..=cycles {
                let outcome = if cycle < cycles {
                    ActOutcome::Adapt
                } else {
                    match rng.gen_range(0..20) {
                        0..=8 => ActOutcome::Adopt,
                        9..=14 => ActOutcome::Adapt,
                        _ => ActOutcome::Abandon,
                    }
                };
                commands.push(Command::StartAction(StartAction {
                    action_id: action.clone(),
                    expected_version: None,
                }));
                commands.push(Command::CheckAction(CheckAction {
                    action_id: action.clone(),
                    findings: finding(&mut rng, theme),
                    expected_version: None,
                }));
                commands.push(Command::ConcludeAction(ConcludeAction {
                    action_id: action.clone(),
                    outcome,
                    rationale: rationale(&mut rng, outcome),
                    expected_version: None,
                }));
            }
        }
        stream.append(commands, at, Vec::new()).await?;

        // Now and then the indicators are measured.
        if number % 6 == 5 {
            let measured_on = at.date_naive();
            let measurements = indicators
                .iter()
                .zip(&indicator_norms)
                .map(|(indicator, &(baseline, norm))| {
                    Command::RecordMeasurement(RecordMeasurement {
                        indicator_id: indicator.clone(),
                        value: baseline + (norm - baseline) * rng.gen_range(-0.2..1.3),
                        measured_on,
                        note: None,
                    })
                })
                .collect();
            stream.append(measurements, at, Vec::new()).await?;
        }
    }
    Ok(Filled {
        id,
        token,
        events: stream.state.version,
        appends: stream.appends,
    })
}

// ---------------------------------------------------------------------------
// The queries
// ---------------------------------------------------------------------------

/// The kinds of query in the mix, each drawn as often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Newest,
    Search,
    Filter,
    SearchFilter,
    NextPage,
    DeepPage,
    BigPage,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Newest => "newest, no filter",
            Kind::Search => "search words",
            Kind::Filter => "filters",
            Kind::SearchFilter => "search words + filters",
            Kind::NextPage => "page 2 (cursor)",
            Kind::DeepPage => "deep page (cursor)",
            Kind::BigPage => "first: 100",
        }
    }
}

/// One `watWerkt` query of the mix.
#[derive(Clone, Debug)]
struct Search {
    kind: Kind,
    search: Option<&'static str>,
    outcome: Option<ActOutcome>,
    capital: Option<EmpowermentCapital>,
    methodology: Option<Methodology>,
    first: i64,
    after: Option<String>,
    /// Which page `after` leads to, from 1.
    page: usize,
    /// The lessons of its answer, as both paths gave them when checked.
    expected: usize,
}

/// The name an enum value is stored and served by (both SCREAMING_SNAKE).
fn spelled<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl Search {
    fn new(kind: Kind, search: Option<&'static str>, first: i64) -> Search {
        Search {
            kind,
            search,
            outcome: None,
            capital: None,
            methodology: None,
            first,
            after: None,
            page: 1,
            expected: 0,
        }
    }

    fn outcome(mut self, outcome: ActOutcome) -> Search {
        self.outcome = Some(outcome);
        self
    }

    fn capital(mut self, capital: EmpowermentCapital) -> Search {
        self.capital = Some(capital);
        self
    }

    fn methodology(mut self, methodology: Methodology) -> Search {
        self.methodology = Some(methodology);
        self
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(search) = self.search {
            parts.push(format!("search {search:?}"));
        }
        if let Some(outcome) = &self.outcome {
            parts.push(format!("outcome {}", spelled(outcome)));
        }
        if let Some(capital) = &self.capital {
            parts.push(format!("capital {}", spelled(capital)));
        }
        if let Some(methodology) = &self.methodology {
            parts.push(format!("methodology {}", spelled(methodology)));
        }
        if parts.is_empty() {
            parts.push("no filter".to_owned());
        }
        if self.kind == Kind::BigPage {
            parts.push(format!("first {}", self.first));
        }
        if self.page > 1 {
            parts.push(format!("page {}", self.page));
        }
        parts.join(", ")
    }

    fn variables(&self) -> Value {
        json!({
            "search": self.search,
            "outcome": self.outcome.as_ref().map(spelled),
            "capital": self.capital.as_ref().map(spelled),
            "methodology": self.methodology.as_ref().map(spelled),
            "first": self.first,
            "after": self.after,
        })
    }

    /// The query as the server gives it to the store.
    fn store_query(&self) -> anyhow::Result<LessonQuery> {
        Ok(LessonQuery {
            search: self.search.map(str::to_owned),
            outcome: self.outcome.as_ref().map(spelled),
            capital: self.capital.as_ref().map(spelled),
            methodology: self.methodology.as_ref().map(spelled),
            after: self.after.as_deref().map(parse_cursor).transpose()?,
            first: self.first,
        })
    }
}

/// A `watWerkt` cursor: `<concludedAt in µs>.<action id>`.
fn parse_cursor(raw: &str) -> anyhow::Result<(DateTime<Utc>, Uuid)> {
    let (micros, id) = raw
        .split_once('.')
        .ok_or_else(|| anyhow!("not a cursor: {raw}"))?;
    let at = DateTime::from_timestamp_micros(micros.parse()?)
        .ok_or_else(|| anyhow!("not a cursor time: {raw}"))?;
    Ok((at, Uuid::parse_str(id)?))
}

/// Search words as people type them: inflected forms the Dutch stemmer
/// reduces ("huisbezoeken", "schulden"), compounds, a rare and an absent
/// word, two words, a phrase, `or` and `-`.
const SEARCH_WORDS: &[&str] = &[
    "huisbezoeken",
    "schulden",
    "betalingsachterstanden",
    "schoolmaaltijden",
    "ervaringsdeskundigen",
    "budgetcursus",
    "vroegsignalering",
    "energiecoaches",
    "jongeren",
    "loonbeslag",
    "formulierenbrigade",
    "dierenarts",
    "wijkteam huisbezoek",
    "\"vaste contactpersoon\"",
    "taalmaatje or budgetcursus",
    "schuldhulp -bewindvoering",
];

/// The mix, with the cursors of its later pages fetched over HTTP.
async fn queries(args: &BenchArgs, http: &Client) -> anyhow::Result<Vec<Search>> {
    let page = args.page;
    let mut all = vec![Search::new(Kind::Newest, None, page)];
    all.extend(
        SEARCH_WORDS
            .iter()
            .map(|&words| Search::new(Kind::Search, Some(words), page)),
    );
    all.extend([
        Search::new(Kind::Filter, None, page).outcome(ActOutcome::Adopt),
        Search::new(Kind::Filter, None, page).outcome(ActOutcome::Abandon),
        Search::new(Kind::Filter, None, page).capital(EmpowermentCapital::Social),
        Search::new(Kind::Filter, None, page).methodology(Methodology::NjiZevenStappen),
        Search::new(Kind::Filter, None, page)
            .outcome(ActOutcome::Adapt)
            .capital(EmpowermentCapital::Societal)
            .methodology(Methodology::MovisieVijfStappen),
    ]);
    all.extend([
        Search::new(Kind::SearchFilter, Some("huisbezoeken"), page).outcome(ActOutcome::Adopt),
        Search::new(Kind::SearchFilter, Some("schulden"), page)
            .capital(EmpowermentCapital::Psychological),
        Search::new(Kind::SearchFilter, Some("jongeren"), page)
            .methodology(Methodology::SchoudersEronder),
        Search::new(Kind::SearchFilter, Some("budgetcursus"), page)
            .outcome(ActOutcome::Abandon)
            .capital(EmpowermentCapital::Social),
    ]);
    all.push(Search::new(Kind::BigPage, None, 100));
    all.push(Search::new(Kind::BigPage, Some("schulden"), 100));

    // Later pages: follow the cursors of these first pages.
    let later = [
        Search::new(Kind::NextPage, None, page),
        Search::new(Kind::NextPage, Some("schulden"), page),
        Search::new(Kind::NextPage, Some("huisbezoeken"), page),
        Search::new(Kind::NextPage, None, page).outcome(ActOutcome::Adopt),
        Search::new(Kind::DeepPage, None, page),
        Search::new(Kind::DeepPage, Some("schulden"), page),
    ];
    for mut search in later {
        // The fiftieth page, or the last when there are fewer.
        let wanted = if search.kind == Kind::DeepPage { 50 } else { 2 };
        while search.page < wanted {
            let answer = http.watwerkt(&search).await?;
            let Some(cursor) = answer["cursor"].as_str() else {
                if search.page > 1 {
                    break;
                }
                bail!("{}: only one page", search.describe());
            };
            search.after = Some(cursor.to_owned());
            search.page += 1;
        }
        all.push(search);
    }
    Ok(all)
}

/// Checks that both paths give the same lessons, in the same order, for
/// every query, notes how many each gives, and prints the mix with how many
/// lessons each query matches in all.
async fn check_queries(
    searches: &mut [Search],
    http: &Client,
    baseline: &Client,
    store: &EventStore,
) -> anyhow::Result<()> {
    println!("\nthe queries (kinds drawn uniformly, then a query of the kind):");
    println!(
        "  {:<24} {:<62} {:>7} {:>8}",
        "kind", "query", "on page", "matching"
    );
    for search in searches.iter_mut() {
        let (over_http, more_http) = http.ids(search).await?;
        let (alone, more_alone) = baseline.ids(search).await?;
        if over_http != alone || more_http != more_alone {
            bail!(
                "{}: HTTP and PostgreSQL disagree: {} lessons (more: {more_http}) vs {} (more: {more_alone})",
                search.describe(),
                over_http.len(),
                alone.len()
            );
        }
        search.expected = over_http.len();
        let query = search.store_query()?;
        let matching: i64 = sqlx::query_scalar(
            "select count(*) from lessons \
             where ($1::text is null or search @@ websearch_to_tsquery('dutch', $1)) \
               and ($2::text is null or outcome = $2) \
               and ($3::text is null or $3 = any(capitals)) \
               and ($4::text is null or methodology = $4)",
        )
        .bind(&query.search)
        .bind(&query.outcome)
        .bind(&query.capital)
        .bind(&query.methodology)
        .fetch_one(store.pool())
        .await?;
        let described = search.describe();
        println!(
            "  {:<24} {:<62} {:>7} {:>8}",
            search.kind.label(),
            described,
            search.expected,
            matching
        );
    }
    println!();
    Ok(())
}

// ---------------------------------------------------------------------------
// The clients
// ---------------------------------------------------------------------------

/// One client: one query at a time, over HTTP or straight on PostgreSQL.
enum Client {
    Http {
        client: reqwest::Client,
        url: String,
        token: String,
    },
    Postgres {
        store: EventStore,
    },
}

impl Client {
    fn http(url: &str, token: &str) -> anyhow::Result<Client> {
        Ok(Client::Http {
            // One client each, at most one idle connection: each keeps its
            // own keep-alive connection.
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(60))
                .build()?,
            url: url.to_owned(),
            token: token.to_owned(),
        })
    }

    /// The `watWerkt` answer over HTTP.
    async fn watwerkt(&self, search: &Search) -> anyhow::Result<Value> {
        let Client::Http { client, url, token } = self else {
            bail!("not an HTTP client");
        };
        let mut data = graphql(client, url, token, WAT_WERKT, search.variables()).await?;
        Ok(data["watWerkt"].take())
    }

    /// The ids of the lessons the query gives, in order, and whether more follow.
    async fn ids(&self, search: &Search) -> anyhow::Result<(Vec<String>, bool)> {
        match self {
            Client::Http { .. } => {
                let answer = self.watwerkt(search).await?;
                let lessons = answer["lessons"]
                    .as_array()
                    .ok_or_else(|| anyhow!("watWerkt answered without lessons: {answer}"))?;
                let ids = lessons
                    .iter()
                    .map(|l| text(&l["id"]))
                    .collect::<anyhow::Result<_>>()?;
                Ok((ids, answer["hasMore"] == json!(true)))
            }
            Client::Postgres { store } => {
                let (rows, more) = store.lessons(&search.store_query()?).await?;
                let ids = rows
                    .iter()
                    .map(|l| text(&l["id"]))
                    .collect::<anyhow::Result<_>>()?;
                Ok((ids, more))
            }
        }
    }

    /// Sends one query; fails unless it gives the expected number of lessons.
    async fn ask(&self, search: &Search, query: Option<&LessonQuery>) -> anyhow::Result<()> {
        let got = match self {
            Client::Http { .. } => {
                let answer = self.watwerkt(search).await?;
                answer["lessons"]
                    .as_array()
                    .map(Vec::len)
                    .ok_or_else(|| anyhow!("watWerkt answered without lessons: {answer}"))?
            }
            Client::Postgres { store } => {
                let query = query.context("the store query")?;
                store.lessons(query).await?.0.len()
            }
        };
        if got != search.expected {
            bail!(
                "{}: {got} lessons, expected {}",
                search.describe(),
                search.expected
            );
        }
        Ok(())
    }
}

/// What one path did at one number of clients.
struct Measured {
    /// Per kind: the latency of every successful query, in µs.
    kinds: BTreeMap<Kind, Histogram<u64>>,
    all: Histogram<u64>,
    failed: u64,
    first_failure: Option<String>,
    elapsed: Duration,
    /// CPU while measuring: the machine's busy cores and this process's.
    cpu: Option<(f64, f64)>,
}

impl Measured {
    fn per_sec(&self, latency: &Histogram<u64>) -> f64 {
        latency.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Every client sends each query once (connecting, preparing statements),
/// then all send queries of kinds drawn uniformly until `duration` passed.
async fn drive(
    clients: Vec<Client>,
    searches: &Arc<Vec<Search>>,
    duration: Duration,
    seed: u64,
) -> anyhow::Result<Measured> {
    let queries = Arc::new(
        searches
            .iter()
            .map(Search::store_query)
            .collect::<anyhow::Result<Vec<_>>>()?,
    );
    let warmed = futures::future::join_all(clients.into_iter().map(|client| {
        let (searches, queries) = (searches.clone(), queries.clone());
        async move {
            for (search, query) in searches.iter().zip(queries.iter()) {
                client
                    .ask(search, Some(query))
                    .await
                    .context("warming up")?;
            }
            Ok::<Client, anyhow::Error>(client)
        }
    }))
    .await;
    let clients = warmed.into_iter().collect::<anyhow::Result<Vec<_>>>()?;

    let mut kinds: Vec<Kind> = searches.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    let by_kind: Arc<Vec<Vec<usize>>> = Arc::new(
        kinds
            .iter()
            .map(|k| {
                searches
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.kind == *k)
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect(),
    );
    let cpu_before = cpu_now();
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(n, client)| {
            let (searches, queries, by_kind) = (searches.clone(), queries.clone(), by_kind.clone());
            tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(seed.wrapping_add(n as u64));
                let mut latency: Vec<Histogram<u64>> =
                    by_kind.iter().map(|_| latency_histogram()).collect();
                let mut failed = 0u64;
                let mut first_failure = None;
                while Instant::now() < deadline {
                    let kind = rng.gen_range(0..by_kind.len());
                    let index = *one(&mut rng, &by_kind[kind]);
                    let sent = Instant::now();
                    match client.ask(&searches[index], Some(&queries[index])).await {
                        Ok(()) => {
                            latency[kind].saturating_record(sent.elapsed().as_micros() as u64)
                        }
                        Err(error) => {
                            failed += 1;
                            first_failure.get_or_insert_with(|| format!("{error:#}"));
                        }
                    }
                }
                (latency, failed, first_failure)
            })
        })
        .collect();
    let mut measured = Measured {
        kinds: kinds.iter().map(|k| (*k, latency_histogram())).collect(),
        all: latency_histogram(),
        failed: 0,
        first_failure: None,
        elapsed: Duration::ZERO,
        cpu: None,
    };
    for task in tasks {
        let (latency, failed, first_failure) = task.await.context("a client task")?;
        for (kind, histogram) in kinds.iter().zip(&latency) {
            measured
                .kinds
                .get_mut(kind)
                .context("a kind")?
                .add(histogram)?;
            measured.all.add(histogram)?;
        }
        measured.failed += failed;
        if measured.first_failure.is_none() {
            measured.first_failure = first_failure;
        }
    }
    measured.elapsed = started.elapsed();
    measured.cpu = cpu_before.zip(cpu_now()).map(|(a, b)| b.since(&a));
    Ok(measured)
}

/// CPU time so far in clock ticks: of all the machine's cores, busy and in
/// all, and of this process.
struct Cpu {
    busy: u64,
    total: u64,
    own: u64,
}

/// From `/proc/stat` and `/proc/self/stat`; `None` where there is no `/proc`.
fn cpu_now() -> Option<Cpu> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let total: u64 = ticks.iter().sum();
    let idle = ticks.get(3)? + ticks.get(4)?;
    // Fields after the command's closing parenthesis start at the third,
    // the state; utime and stime are the 14th and 15th.
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = own.rsplit_once(')')?.1.split_whitespace().collect();
    let own = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Cpu {
        busy: total - idle,
        total,
        own,
    })
}

impl Cpu {
    /// Cores busy on the machine and used by this process since `before`.
    fn since(&self, before: &Cpu) -> (f64, f64) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let total = (self.total - before.total).max(1) as f64;
        (
            (self.busy - before.busy) as f64 / total * cores,
            (self.own - before.own) as f64 / total * cores,
        )
    }
}

fn latency_histogram() -> Histogram<u64> {
    // 1 µs to an hour at three significant digits.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

struct Point {
    clients: usize,
    http: Measured,
    postgres: Measured,
}

fn p50(latency: &Histogram<u64>) -> f64 {
    ms(latency.value_at_quantile(0.5))
}

fn p99(latency: &Histogram<u64>) -> f64 {
    ms(latency.value_at_quantile(0.99))
}

impl Point {
    fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "== {} clients ==", self.clients);
        let _ = writeln!(
            out,
            "  {:<24} | {:>7} {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} {:>7} {:>7}",
            "",
            "HTTP",
            "q/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "PG",
            "q/s",
            "p50 ms",
            "p99 ms",
            "max ms"
        );
        let rows = self
            .http
            .kinds
            .iter()
            .map(|(kind, h)| (kind.label(), h, &self.postgres.kinds[kind]))
            .chain([("all", &self.http.all, &self.postgres.all)]);
        for (label, h, p) in rows {
            let _ = writeln!(
                out,
                "  {label:<24} | {:>7} {:>7.0} {:>7.2} {:>7.2} {:>7.2} | {:>7} {:>7.0} {:>7.2} {:>7.2} {:>7.2}",
                h.len(),
                self.http.per_sec(h),
                p50(h),
                p99(h),
                ms(h.max()),
                p.len(),
                self.postgres.per_sec(p),
                p50(p),
                p99(p),
                ms(p.max()),
            );
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for (path, m) in [("HTTP", &self.http), ("PostgreSQL alone", &self.postgres)] {
            if let Some((busy, own)) = m.cpu {
                let _ = writeln!(
                    out,
                    "  CPU during {path}: {busy:.2} of {cores} cores busy on the machine, \
                     {own:.2} of them this benchmark's clients (the rest: the server, PostgreSQL and other work on the machine)"
                );
            }
        }
        let _ = write!(out, "{}", self.line());
        out
    }

    /// The summary line.
    fn line(&self) -> String {
        let (h, p) = (&self.http.all, &self.postgres.all);
        format!(
            "clients {}: watWerkt over HTTP p50 {:.2} ms p99 {:.2} ms (goal p99 <= {GOAL_P99_MS} ms: {}), \
             {:.0} q/s; PostgreSQL alone p50 {:.2} ms p99 {:.2} ms, {:.0} q/s",
            self.clients,
            p50(h),
            p99(h),
            if p99(h) <= GOAL_P99_MS { "met" } else { "NOT met" },
            self.http.per_sec(h),
            p50(p),
            p99(p),
            self.postgres.per_sec(p),
        )
    }
}

/// The figures as a markdown table, for the README.
fn summary(args: &BenchArgs, pool_size: u32, points: &[Point]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n`bench-library --werkplaatsen {} --lessons {} --seconds {} --clients {}`: pool {pool_size}, \
         page {}; p50 / p99 ms (queries/s)\n",
        args.werkplaatsen,
        args.lessons,
        args.seconds,
        args.clients
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(","),
        args.page
    );
    let _ = writeln!(
        out,
        "| clients | watWerkt over HTTP | PostgreSQL alone | HTTP p99 ≤ {GOAL_P99_MS} ms |"
    );
    let _ = writeln!(out, "| ---: | ---: | ---: | :---: |");
    for point in points {
        let cell = |m: &Measured| {
            format!(
                "{:.2} / {:.2} ({:.0})",
                p50(&m.all),
                p99(&m.all),
                m.per_sec(&m.all)
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            point.clients,
            cell(&point.http),
            cell(&point.postgres),
            if p99(&point.http.all) <= GOAL_P99_MS {
                "yes"
            } else {
                "no"
            }
        );
    }
    for point in points {
        let _ = writeln!(out, "{}", point.line());
    }
    out.trim_end().to_owned()
}
